//! `OutboxStore`: queueing (with the daily limit per recipient, re-checked in the
//! saving transaction), claiming due messages for a lease, settling them, in SQL both
//! backends share (stamped out per backend by `impl_outbox_sql!`).

/// The recipients whose daily limit `drafts` count, sorted and once each: the order
/// their locks are taken in, so that two transactions never wait on each other.
pub(crate) fn limited_recipients(drafts: &[crate::domain::OutboxDraft]) -> Vec<String> {
    let mut recipients: Vec<String> = drafts
        .iter()
        .filter(|d| d.email.as_ref().is_some_and(|e| e.daily_limit.is_some()))
        .map(|d| d.to.clone())
        .collect();
    recipients.sort_unstable();
    recipients.dedup();
    recipients
}

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

            /// Queues messages to send, in the caller's transaction, the e-mails under a
            /// daily limit counted with their recipients locked.
            async fn queue(
                tx: &mut sqlx::Transaction<'static, $db>,
                drafts: &[crate::domain::OutboxDraft],
                order_id: Option<i64>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                if let Some(lock) = Self::LOCK_RECIPIENT {
                    for to in crate::store::outbox_sql::limited_recipients(drafts) {
                        sqlx::query(lock).bind(to).execute(&mut **tx).await?;
                    }
                }
                Self::queue_held(tx, drafts, order_id, at).await
            }

            /// The same, once the caller's transaction holds the recipients (an earlier
            /// statement took their locks): a statement for each `DRAFTS_PER_STATEMENT`
            /// drafts, which keeps an e-mail under a daily limit only while its
            /// recipient's count, with the change's e-mails to it before it, is under the
            /// limit.
            async fn queue_held(
                tx: &mut sqlx::Transaction<'static, $db>,
                drafts: &[crate::domain::OutboxDraft],
                order_id: Option<i64>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                let mut queued = Vec::new();
                for some in drafts.chunks(crate::store::statements::DRAFTS_PER_STATEMENT) {
                    queued.extend(Self::queue_statement(tx, some, order_id, at).await?);
                }
                for draft in drafts {
                    let this = |(template, to): &(String, String)| *template == draft.template && *to == draft.to;
                    match queued.iter().position(this) {
                        Some(found) => {
                            queued.swap_remove(found);
                        }
                        None => tracing::warn!(
                            template = %draft.template,
                            "daily e-mail limit reached for a recipient: not queued"
                        ),
                    }
                }
                Ok(())
            }

            /// One statement of `queue_held`; returns the (template, recipient) of each
            /// row it queued. A draft counts the e-mails before it in this statement
            /// only: those an earlier statement queued are in the table, and counted.
            async fn queue_statement(
                tx: &mut sqlx::Transaction<'static, $db>,
                drafts: &[crate::domain::OutboxDraft],
                order_id: Option<i64>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<(String, String)>, crate::store::StoreError> {
                if drafts.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = crate::store::statements::queue_outbox(drafts.len());
                let mut q = sqlx::query_as::<_, (String, String)>(&sql);
                let mut before = std::collections::HashMap::<&str, i64>::new();
                for m in drafts {
                    let e = m.email.as_ref();
                    let limit = e.and_then(|e| e.daily_limit);
                    let before_it = match limit {
                        Some(_) => {
                            let n = before.entry(m.to.as_str()).or_default();
                            *n += 1;
                            *n - 1
                        }
                        None => 0,
                    };
                    q = q
                        .bind(m.channel.as_str())
                        .bind(m.to.clone())
                        .bind(order_id)
                        .bind(m.template.clone())
                        .bind(m.subject.clone())
                        .bind(m.body.clone())
                        .bind("pending")
                        .bind(at)
                        .bind(e.map(|e| e.html.clone()))
                        .bind(e.map(|e| e.message_id.clone()))
                        .bind(e.and_then(|e| e.in_reply_to.clone()))
                        .bind(e.map(|e| e.references.join(" ")))
                        .bind(e.and_then(|e| e.calendar.clone()))
                        .bind(e.and_then(|e| e.send_after))
                        .bind(limit)
                        .bind(before_it);
                }
                Ok(q.bind(at - chrono::Duration::hours(24)).fetch_all(&mut **tx).await?)
            }
        }

        #[async_trait::async_trait]
        impl crate::store::OutboxStore for $store {
            async fn outbox(
                &self,
                include_sent: bool,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                let rows: Vec<crate::store::trail_rows::OutboxRow> = sqlx::query_as(crate::store::statements::OUTBOX)
                    .bind(include_sent)
                    .fetch_all(&self.pool)
                    .await?;
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
                let rows: Vec<crate::store::trail_rows::OutboxRow> = sqlx::query_as(&sql)
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
        }
    };
}

pub(crate) use impl_outbox_sql;
