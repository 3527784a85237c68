//! `OutboxStore`: queueing (with the daily limit per recipient, re-checked in the
//! saving transaction), claiming due messages for a lease, settling them, in SQL both
//! backends share (stamped out per backend by `impl_outbox_sql!`).

macro_rules! impl_outbox_sql {
    ($store:ty, $db:ty) => {
        impl $store {

            /// Queues messages to send, in the caller's transaction.
            /// Withdraws the order's e-mails of these templates that have not left yet
            /// (a short, fixed list of templates: never more binds than the templates).
            async fn withdraw_mail(
                tx: &mut sqlx::Transaction<'static, $db>,
                order_id: i64,
                templates: &[String],
            ) -> Result<(), crate::store::StoreError> {
                if templates.is_empty() {
                    return Ok(());
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "UPDATE outbox SET status = 'withdrawn', last_error = 'withdrawn: the order changed before it \
                     was sent' WHERE order_id = ",
                );
                q.push_bind(order_id);
                q.push(" AND status = 'pending' AND channel = 'email' AND template IN (");
                let mut sep = q.separated(", ");
                for t in templates {
                    sep.push_bind(t.clone());
                }
                q.push(")");
                q.build().execute(&mut **tx).await?;
                Ok(())
            }

            async fn queue(
                tx: &mut sqlx::Transaction<'static, $db>,
                drafts: &[crate::domain::OutboxDraft],
                order_id: Option<i64>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                let drafts = Self::within_daily_limits(tx, drafts, at).await?;
                if drafts.is_empty() {
                    return Ok(());
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO outbox (channel, recipient, order_id, template, subject, body, status, created_at, \
                     html, message_id, in_reply_to, refs, calendar, send_after) ",
                );
                q.push_values(drafts, |mut b, m| {
                    let e = m.email.as_ref();
                    b.push_bind(m.channel.as_str())
                        .push_bind(m.to.clone())
                        .push_bind(order_id)
                        .push_bind(m.template.clone())
                        .push_bind(m.subject.clone())
                        .push_bind(m.body.clone())
                        .push_bind("pending")
                        .push_bind(at)
                        .push_bind(e.map(|e| e.html.clone()))
                        .push_bind(e.map(|e| e.message_id.clone()))
                        .push_bind(e.and_then(|e| e.in_reply_to.clone()))
                        .push_bind(e.map(|e| e.references.join(" ")))
                        .push_bind(e.and_then(|e| e.calendar.clone()))
                        .push_bind(e.and_then(|e| e.send_after));
                });
                q.build().execute(&mut **tx).await?;
                Ok(())
            }

            /// The drafts, less the e-mails that would take their recipient over its daily
            /// limit, counted in the caller's transaction with the recipient locked.
            async fn within_daily_limits<'d>(
                tx: &mut sqlx::Transaction<'static, $db>,
                drafts: &'d [crate::domain::OutboxDraft],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<&'d crate::domain::OutboxDraft>, crate::store::StoreError> {
                let limited = |d: &crate::domain::OutboxDraft| d.email.as_ref().and_then(|e| e.daily_limit);
                let mut recipients: Vec<&str> = drafts.iter().filter(|d| limited(d).is_some()).map(|d| d.to.as_str()).collect();
                if recipients.is_empty() {
                    return Ok(drafts.iter().collect());
                }
                // In one order everywhere, so that two transactions never wait on each other.
                recipients.sort_unstable();
                recipients.dedup();
                let mut queued = std::collections::HashMap::new();
                for to in recipients {
                    if let Some(lock) = Self::LOCK_RECIPIENT {
                        sqlx::query(lock).bind(to).execute(&mut **tx).await?;
                    }
                    let sent: i64 = sqlx::query_scalar(crate::store::statements::EMAILS_TO_SINCE)
                    .bind(to)
                    .bind(at - chrono::Duration::hours(24))
                    .fetch_one(&mut **tx)
                    .await?;
                    queued.insert(to, sent);
                }
                let mut kept = Vec::new();
                for draft in drafts {
                    match (limited(draft), queued.get_mut(draft.to.as_str())) {
                        (Some(limit), Some(sent)) if *sent >= limit => {
                            tracing::warn!(template = %draft.template, "daily e-mail limit reached for a recipient: not queued");
                        }
                        (Some(_), Some(sent)) => {
                            *sent += 1;
                            kept.push(draft);
                        }
                        _ => kept.push(draft),
                    }
                }
                Ok(kept)
            }
        }

        #[async_trait::async_trait]
        impl crate::store::OutboxStore for $store {
            async fn outbox(
                &self,
                include_sent: bool,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                let rows: Vec<crate::store::rows::OutboxRow> =
                    sqlx::query_as(crate::store::statements::OUTBOX).bind(include_sent).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|r| r.into_message().map_err(crate::store::StoreError::Unavailable))
                    .collect()
            }

            async fn claim_outbox(
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
                    crate::store::statements::OUTBOX_COLUMNS
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

            async fn settle_outbox(
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

            async fn queued_once(&self, key: &str) -> Result<bool, crate::store::StoreError> {
                let found: Option<String> = sqlx::query_scalar("SELECT key FROM once_keys WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(found.is_some())
            }

            async fn queue_once(
                &self,
                key: &str,
                drafts: &[crate::domain::OutboxDraft],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query("INSERT INTO once_keys (key, order_id, at) VALUES ($1, NULL, $2)")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(crate::store::StoreError::AlreadyApplied(key.to_string()))
                    }
                    other => other?,
                };
                Self::queue(&mut tx, drafts, None, at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn emails_to_since(
                &self,
                address: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, crate::store::StoreError> {
                Ok(sqlx::query_scalar(crate::store::statements::EMAILS_TO_SINCE)
                .bind(address)
                .bind(since)
                .fetch_one(&self.pool)
                .await?)
            }
        }
    };
}

pub(crate) use impl_outbox_sql;
