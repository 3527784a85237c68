//! The SQL of the outbox's senders (claiming due messages, settling them) and of what
//! customer e-mails read (the thread, the daily count, a carrier's turnaround), shared by
//! both backends like `sql.rs` (stamped out per backend by `impl_outbox_sql!`).

macro_rules! impl_outbox_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn claim_outbox_sql(
                &self,
                claim: &crate::store::OutboxClaim,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                let until =
                    claim.now + chrono::Duration::from_std(claim.lease).unwrap_or(chrono::Duration::seconds(60));
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "UPDATE outbox SET claimed_until = $1, claimed_by = $2 WHERE id IN ({}) \
                     AND (claimed_until IS NULL OR claimed_until <= $4) RETURNING {}",
                    Self::DUE_OUTBOX,
                    crate::store::sql::OUTBOX_COLUMNS
                );
                let rows: Vec<crate::store::rows::OutboxRow> = sqlx::query_as(&sql)
                    .bind(until)
                    .bind(&claim.worker)
                    .bind(claim.channel.as_str())
                    .bind(claim.now)
                    .bind(claim.limit)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                let mut messages: Vec<crate::domain::OutboxMessage> = rows
                    .into_iter()
                    .map(|r| r.into_message().map_err(crate::store::StoreError::Unavailable))
                    .collect::<Result<_, _>>()?;
                messages.sort_by_key(|m| m.id);
                Ok(messages)
            }

            async fn settle_outbox_sql(
                &self,
                id: i64,
                settled: crate::store::Settled,
            ) -> Result<(), crate::store::StoreError> {
                use crate::store::Settled;
                let mut tx = self.begin_write().await?;
                match settled {
                    Settled::Sent { at } => {
                        sqlx::query(
                            "UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1, \
                             claimed_until = NULL, last_error = NULL WHERE id = $1",
                        )
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Settled::Retry { error, next } => {
                        sqlx::query(
                            "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, \
                             claimed_until = NULL WHERE id = $1",
                        )
                        .bind(id)
                        .bind(error)
                        .bind(next)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Settled::Failed { error, alert, at } => {
                        let order_id: Option<i64> = sqlx::query_scalar(
                            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, \
                             claimed_until = NULL WHERE id = $1 RETURNING order_id",
                        )
                        .bind(id)
                        .bind(error)
                        .fetch_one(&mut *tx)
                        .await?;
                        let alerts: Vec<crate::domain::OutboxDraft> = alert.into_iter().map(|a| *a).collect();
                        Self::queue(&mut tx, &alerts, order_id, at).await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn last_message_from_sql(
                &self,
                reference: &crate::domain::OrderRef,
                contacts: &[crate::domain::EmailAddress],
            ) -> Result<Option<String>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(None);
                };
                if contacts.is_empty() {
                    return Ok(None);
                }
                let mut q = sqlx::QueryBuilder::<$db>::new("SELECT message_id FROM inbound_messages WHERE order_id = ");
                q.push_bind(id);
                q.push(" AND sender IN (");
                let mut sep = q.separated(", ");
                for c in contacts {
                    sep.push_bind(c.as_str().to_string());
                }
                q.push(") ORDER BY id DESC LIMIT 1");
                Ok(q.build_query_scalar().fetch_optional(&self.pool).await?)
            }

            async fn emails_to_since_sql(
                &self,
                address: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, crate::store::StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND channel = 'email' AND created_at >= $2",
                )
                .bind(address)
                .bind(since)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn carrier_turnarounds_sql(
                &self,
                carrier: &str,
            ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>, crate::store::StoreError>
            {
                type Row = (i64, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT o.id, o.submitted_at, t.at FROM orders o JOIN timeline t ON t.order_id = o.id \
                     WHERE o.carrier = $1 AND o.submitted_at IS NOT NULL AND t.event = 'foc_confirmed' \
                     ORDER BY o.id DESC, t.id LIMIT 200",
                )
                .bind(carrier)
                .fetch_all(&self.pool)
                .await?;
                // Each order's first FOC confirmation after its (last) submission.
                let mut turnarounds: Vec<(i64, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
                    Vec::new();
                for (id, submitted, confirmed) in rows {
                    if confirmed < submitted || turnarounds.iter().any(|(seen, _, _)| *seen == id) {
                        continue;
                    }
                    turnarounds.push((id, submitted, confirmed));
                }
                Ok(turnarounds.into_iter().take(50).map(|(_, s, c)| (s, c)).collect())
            }
        }
    };
}

pub(crate) use impl_outbox_sql;
