//! `InboundStore`: inbound mail (each message recorded once with its effects, the
//! mailbox checkpoints, the contacts' last message on an order) and the staff queue, in
//! SQL both backends share (stamped out per backend by `impl_inbound_sql!`).

macro_rules! impl_inbound_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Puts the message in the staff queue; the posts name the item by the number
            /// it just got.
            async fn hand_to_staff(
                tx: &mut sqlx::Transaction<'static, $db>,
                message: &crate::domain::InboundMessage,
                handoff: &crate::domain::Handoff,
                order_id: Option<i64>,
                posts: Vec<crate::domain::OutboxDraft>,
            ) -> Result<Vec<crate::domain::OutboxDraft>, crate::store::StoreError> {
                let item: i64 = sqlx::query_scalar(crate::store::statements::INSERT_STAFF_ITEM)
                    .bind(&message.key.message_id)
                    .bind(order_id)
                    .bind(&message.sender)
                    .bind(&message.subject)
                    .bind(&message.kind)
                    .bind(&handoff.reason)
                    .bind(&handoff.raw)
                    .bind(message.received_at)
                    .fetch_one(&mut **tx)
                    .await?;
                Ok(posts.iter().map(|p| p.naming_inbox_item(item)).collect())
            }
        }

        #[async_trait::async_trait]
        impl crate::store::InboundStore for $store {
            async fn record_inbound(
                &self,
                record: crate::store::InboundRecord,
            ) -> Result<(), crate::store::StoreError> {
                use crate::store::StoreError;
                let crate::store::InboundRecord {
                    message,
                    change,
                    handoff,
                    documents,
                    posts,
                    also,
                } = record;
                let key = &message.key;
                let order_id = change
                    .as_ref()
                    .and_then(|c| crate::store::rows::order_id(&c.order.reference));
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(Self::INBOUND_AND_CHECKPOINT)
                    .bind(&key.mailbox)
                    .bind(key.uidvalidity)
                    .bind(key.uid)
                    .bind(&key.message_id)
                    .bind(order_id)
                    .bind(message.received_at)
                    .bind(&message.sender)
                    .bind(&message.subject)
                    .bind(&message.kind)
                    .bind(&message.outcome)
                    .execute(&mut *tx)
                    .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => {
                        return Err(StoreError::AlreadyApplied(key.message_id.clone()))
                    }
                    other => other?,
                };
                if let Some(change) = &change {
                    let id = Self::update_in(&mut tx, change).await?;
                    Self::insert_documents(&mut tx, id, &documents, &key.message_id, message.received_at).await?;
                }
                for (change, files) in &also {
                    let id = Self::update_in(&mut tx, change).await?;
                    Self::insert_documents(&mut tx, id, files, &key.message_id, message.received_at).await?;
                }
                let handoff_order = handoff
                    .as_ref()
                    .and_then(|h| h.order.as_ref())
                    .and_then(crate::store::rows::order_id);
                let posts = match &handoff {
                    Some(h) => Self::hand_to_staff(&mut tx, &message, h, handoff_order, posts).await?,
                    None => posts,
                };
                Self::queue(&mut tx, &posts, handoff_order.or(order_id), message.received_at).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn advance_checkpoint(
                &self,
                mailbox: &str,
                uidvalidity: i64,
                uid: i64,
            ) -> Result<(), crate::store::StoreError> {
                sqlx::query(crate::store::statements::UPSERT_CHECKPOINT)
                    .bind(mailbox)
                    .bind(uidvalidity)
                    .bind(uid)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn open_items_on(
                &self,
                reference: &crate::domain::OrderRef,
                kind: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(0);
                };
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM staff_queue WHERE order_id = $1 AND status = 'open' \
                     AND kind = $2 AND created_at >= $3",
                )
                .bind(id)
                .bind(kind)
                .bind(since)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn checkpoint(
                &self,
                mailbox: &str,
            ) -> Result<Option<crate::store::Checkpoint>, crate::store::StoreError> {
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT uidvalidity, last_uid FROM mailbox_checkpoints WHERE mailbox = $1")
                        .bind(mailbox)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(uidvalidity, last_uid)| crate::store::Checkpoint {
                    uidvalidity,
                    last_uid,
                }))
            }

            async fn staff_queue(
                &self,
                include_resolved: bool,
                limit: i64,
            ) -> Result<Vec<crate::domain::StaffItem>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM staff_queue WHERE ($1 OR status = 'open') ORDER BY id LIMIT $2",
                    crate::store::statements::STAFF_ITEM_COLUMNS
                );
                let rows: Vec<crate::store::trail_rows::StaffItemRow> = sqlx::query_as(&sql)
                    .bind(include_resolved)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|r| {
                        r.into_item(Vec::new())
                            .map_err(crate::store::StoreError::Unavailable)
                    })
                    .collect()
            }

            async fn staff_item(&self, id: i64) -> Result<Option<crate::domain::StaffItem>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM staff_queue WHERE id = $1",
                    crate::store::statements::STAFF_ITEM_COLUMNS
                );
                let row: Option<crate::store::trail_rows::StaffItemRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let raw: Vec<u8> = sqlx::query_scalar("SELECT raw FROM staff_queue WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Some(
                    row.into_item(raw)
                        .map_err(crate::store::StoreError::Unavailable)?,
                ))
            }

            async fn resolve_staff_item(
                &self,
                resolution: crate::store::Resolution,
            ) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let at = resolution.at;
                let order_id = resolution
                    .change
                    .as_ref()
                    .and_then(|c| crate::store::rows::order_id(&c.order.reference));
                let updated = sqlx::query(
                    "UPDATE staff_queue SET status = $2, resolved_by = $3, resolved_at = $4, \
                     order_id = COALESCE($5, order_id) WHERE id = $1 AND status = 'open'",
                )
                .bind(resolution.id)
                .bind(resolution.status.as_str())
                .bind(&resolution.by)
                .bind(at)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Err(crate::store::StoreError::AlreadyResolved(resolution.id));
                }
                if let Some(change) = &resolution.change {
                    let id = Self::update_in(&mut tx, change).await?;
                    for d in &resolution.documents {
                        sqlx::query(crate::store::statements::INSERT_DOCUMENT)
                            .bind(id)
                            .bind(&d.name)
                            .bind(&d.content_type)
                            .bind(&d.bytes)
                            .bind(&resolution.message_id)
                            .bind(at)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn mail_history(
                &self,
                reference: &crate::domain::OrderRef,
                contacts: &[crate::domain::EmailAddress],
                working: &[crate::domain::EmailAddress],
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<crate::store::MailHistory, crate::store::StoreError> {
                let id = crate::store::rows::order_id(reference);
                let contacts = if id.is_some() { contacts } else { &[] };
                if contacts.is_empty() && working.is_empty() {
                    return Ok(crate::store::MailHistory::default());
                }
                let sql = crate::store::statements::mail_history(contacts.len(), working.len());
                let mut q = sqlx::query(&sql).bind(id.unwrap_or_default()).bind(since);
                for address in contacts.iter().chain(working) {
                    q = q.bind(address.as_str());
                }
                let row = q.fetch_one(&self.pool).await?;
                let sent_since = (1..=working.len())
                    .map(|column| sqlx::Row::try_get::<i64, _>(&row, column))
                    .collect::<Result<_, _>>()?;
                Ok(crate::store::MailHistory {
                    last_message: sqlx::Row::try_get(&row, 0)?,
                    sent_since,
                })
            }
        }
    };
}

pub(crate) use impl_inbound_sql;
