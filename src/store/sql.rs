//! The SQL both backends share (`$N` placeholders mean the same on SQLite and
//! PostgreSQL) and the body of their `Store` implementations, written once and stamped
//! out per backend by `impl_store!`. What differs stays in sqlite.rs and postgres.rs:
//! connecting, migrations, how a write transaction begins, how a reference is reserved.

pub const ORDER_COLUMNS: &str = "o.id, o.version, o.state, o.customer, o.carrier, o.kind, o.account_number, o.btn, \
    o.pin, o.account_name, o.service_address, o.authorized_name, o.contract_end, o.time_zone, o.loa_signed_at, o.bill, \
    o.bill_received_at, o.submitted_at, o.foc_date, o.reject_code, o.reject_reason, o.opened_at, o.updated_at, o.rejected_at";

/// Binds as `bind_order!` binds: $1 id, $2 version, then the columns in order.
pub const INSERT_ORDER: &str = "INSERT INTO orders (id, version, state, customer, carrier, kind, account_number, btn, \
    pin, account_name, service_address, authorized_name, contract_end, time_zone, loa_signed_at, bill, \
    bill_received_at, submitted_at, foc_date, reject_code, reject_reason, opened_at, updated_at, rejected_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)";

/// The same binds; succeeds only when the order still has the version it was loaded with.
pub const UPDATE_ORDER: &str = "UPDATE orders SET version = $2 + 1, state = $3, customer = $4, carrier = $5, \
    kind = $6, account_number = $7, btn = $8, pin = $9, account_name = $10, service_address = $11, \
    authorized_name = $12, contract_end = $13, time_zone = $14, loa_signed_at = $15, bill = $16, \
    bill_received_at = $17, submitted_at = $18, foc_date = $19, reject_code = $20, reject_reason = $21, \
    opened_at = $22, updated_at = $23, rejected_at = $24 WHERE id = $1 AND version = $2";

pub const INSERT_TIMELINE: &str =
    "INSERT INTO timeline (order_id, at, source, event, text) VALUES ($1, $2, $3, $4, $5)";

pub const INSERT_INBOUND: &str = "INSERT INTO inbound_messages (mailbox, uidvalidity, uid, message_id, order_id, \
    received_at, sender, subject, kind, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Moves forward within one UIDVALIDITY; a new UIDVALIDITY starts over.
pub const UPSERT_CHECKPOINT: &str = "INSERT INTO mailbox_checkpoints (mailbox, uidvalidity, last_uid) \
    VALUES ($1, $2, $3) ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, \
    last_uid = excluded.last_uid WHERE mailbox_checkpoints.uidvalidity <> excluded.uidvalidity \
    OR mailbox_checkpoints.last_uid < excluded.last_uid";

/// Ids bound in one `IN (...)`: far under SQLite's 32,766 and PostgreSQL's 65,535.
pub const IDS_PER_QUERY: usize = 1_000;

pub const INSERT_STAFF_ITEM: &str = "INSERT INTO staff_queue (message_id, order_id, sender, subject, kind, reason, \
    raw, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id";

pub const STAFF_ITEM_COLUMNS: &str =
    "id, message_id, order_id, sender, subject, kind, reason, status, created_at, resolved_by";

pub const INSERT_DOCUMENT: &str = "INSERT INTO order_documents (order_id, name, content_type, bytes, message_id, \
    received_at) VALUES ($1, $2, $3, $4, $5, $6)";

pub const OUTBOX_COLUMNS: &str = "id, channel, recipient, order_id, template, subject, body, status, attempts, \
    last_error, created_at, sent_at, html, message_id, in_reply_to, refs, calendar, send_after, next_attempt_at";

/// The due, unclaimed messages of a channel ($3), at $4, at most $5.
pub const DUE_OUTBOX: &str = "SELECT id FROM outbox WHERE channel = $3 AND status = 'pending' \
    AND (send_after IS NULL OR send_after <= $4) AND (next_attempt_at IS NULL OR next_attempt_at <= $4) \
    AND (claimed_until IS NULL OR claimed_until <= $4) ORDER BY id LIMIT $5";

pub const OUTBOX: &str = "SELECT id, channel, recipient, order_id, template, subject, body, status, attempts, \
    last_error, created_at, sent_at, html, message_id, in_reply_to, refs, calendar, send_after, next_attempt_at \
    FROM outbox WHERE ($1 OR status <> 'sent') ORDER BY id";

macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

        fn bind_order(query: Query<'_>, row: crate::store::rows::OrderRow) -> Query<'_> {
            query
                .bind(row.id)
                .bind(row.version)
                .bind(row.state)
                .bind(row.customer)
                .bind(row.carrier)
                .bind(row.kind)
                .bind(row.account_number)
                .bind(row.btn)
                .bind(row.pin)
                .bind(row.account_name)
                .bind(row.service_address)
                .bind(row.authorized_name)
                .bind(row.contract_end)
                .bind(row.time_zone)
                .bind(row.loa_signed_at)
                .bind(row.bill)
                .bind(row.bill_received_at)
                .bind(row.submitted_at)
                .bind(row.foc_date)
                .bind(row.reject_code)
                .bind(row.reject_reason)
                .bind(row.opened_at)
                .bind(row.updated_at)
                .bind(row.rejected_at)
        }

        /// `sql` followed by the ids as binds, the closing parenthesis and `tail`.
        fn in_ids<'a>(sql: &str, ids: &'a [i64], tail: &str) -> sqlx::QueryBuilder<'a, $db> {
            let mut q = sqlx::QueryBuilder::<$db>::new(sql);
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            q.push(")");
            q.push(tail);
            q
        }

        fn is_unique_violation(e: &sqlx::Error) -> bool {
            matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
        }

        impl $store {
            /// Writes what every change writes: the files it brings, the numbers and
            /// contacts as they now are, the timeline entry and the outbox rows.
            async fn write_children(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
                id: i64,
            ) -> Result<(), crate::store::StoreError> {
                use crate::store::rows::NumberRow;
                use crate::store::StoreError;
                let order = &change.order;
                for d in &change.documents {
                    sqlx::query(crate::store::sql::INSERT_DOCUMENT)
                        .bind(id)
                        .bind(&d.name)
                        .bind(&d.content_type)
                        .bind(&d.bytes)
                        // Not from a message: recorded by staff.
                        .bind(format!("staff:{}", change.entry.source))
                        .bind(change.entry.at)
                        .execute(&mut **tx)
                        .await?;
                }
                if change.lines_changed {
                    sqlx::query("DELETE FROM order_numbers WHERE order_id = $1").bind(id).execute(&mut **tx).await?;
                    let rows = order
                        .numbers
                        .iter()
                        .enumerate()
                        .map(|(i, line)| NumberRow::from_line(order, i, line))
                        .collect::<anyhow::Result<Vec<_>>>()
                        .map_err(StoreError::Unavailable)?;
                    for chunk in rows.chunks(500) {
                        let mut q = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO order_numbers (order_id, position, number, number_type, status, route, active) ",
                        );
                        q.push_values(chunk, |mut b, r| {
                            b.push_bind(r.order_id)
                                .push_bind(r.position)
                                .push_bind(r.number.clone())
                                .push_bind(r.number_type.clone())
                                .push_bind(r.status.clone())
                                .push_bind(r.route.clone())
                                .push_bind(r.active);
                        });
                        match q.build().execute(&mut **tx).await {
                            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict(order.reference.clone())),
                            other => other?,
                        };
                    }
                    sqlx::query("DELETE FROM order_contacts WHERE order_id = $1").bind(id).execute(&mut **tx).await?;
                    let mut q =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO order_contacts (order_id, position, email, failing, language) ");
                    q.push_values(order.contacts.iter().enumerate(), |mut b, (i, c)| {
                        b.push_bind(id)
                            .push_bind(i as i64)
                            .push_bind(c.as_str().to_string())
                            .push_bind(order.failing_contacts.contains(c))
                            .push_bind(order.languages.get(c).map(|l| l.as_str()));
                    });
                    if !order.contacts.is_empty() {
                        q.build().execute(&mut **tx).await?;
                    }
                }
                if let Some(key) = &change.once {
                    let inserted = sqlx::query("INSERT INTO once_keys (key, order_id, at) VALUES ($1, $2, $3)")
                        .bind(key)
                        .bind(id)
                        .bind(change.entry.at)
                        .execute(&mut **tx)
                        .await;
                    match inserted {
                        Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyApplied(key.clone())),
                        other => other?,
                    };
                }
                let e = &change.entry;
                sqlx::query(crate::store::sql::INSERT_TIMELINE)
                    .bind(id)
                    .bind(e.at)
                    .bind(&e.source)
                    .bind(&e.event)
                    .bind(&e.text)
                    .execute(&mut **tx)
                    .await?;
                Self::queue(tx, &change.outbox, Some(id), e.at).await
            }

            /// Queues messages to send, in the caller's transaction.
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
                    let sent: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND channel = 'email' AND created_at >= $2",
                    )
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

            /// Saves a change to an existing order in the caller's transaction.
            async fn update_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
            ) -> Result<i64, crate::store::StoreError> {
                use crate::store::StoreError;
                let row = crate::store::rows::OrderRow::from_order(&change.order).map_err(StoreError::Unavailable)?;
                let id = row.id;
                let updated = bind_order(sqlx::query(crate::store::sql::UPDATE_ORDER), row).execute(&mut **tx).await?;
                if updated.rows_affected() != 1 {
                    return Err(StoreError::Conflict(change.order.reference.clone()));
                }
                Self::write_children(tx, change, id).await?;
                Ok(id)
            }

            /// Saves a new order in the caller's transaction, refusing numbers already
            /// on another open order; returns its id.
            async fn insert_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
            ) -> Result<i64, crate::store::StoreError> {
                use crate::store::StoreError;
                let row = crate::store::rows::OrderRow::from_order(&change.order).map_err(StoreError::Unavailable)?;
                let id = row.id;
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT n.number, n.order_id, o.state FROM order_numbers n JOIN orders o ON o.id = n.order_id \
                     WHERE n.active AND n.number IN (",
                );
                let mut sep = q.separated(", ");
                for line in &change.order.numbers {
                    sep.push_bind(line.number.e164());
                }
                q.push(") ORDER BY n.order_id, n.position LIMIT 1");
                let taken: Option<(String, i64, String)> = q.build_query_as().fetch_optional(&mut **tx).await?;
                if let Some((number, order_id, state)) = taken {
                    return Err(StoreError::NumberTaken {
                        number: number.parse().map_err(|e| StoreError::Unavailable(anyhow::anyhow!("{e}")))?,
                        reference: crate::domain::OrderRef::from_number(order_id),
                        state: state.parse().map_err(|e: String| StoreError::Unavailable(anyhow::anyhow!(e)))?,
                    });
                }
                bind_order(sqlx::query(crate::store::sql::INSERT_ORDER), row).execute(&mut **tx).await?;
                Self::write_children(tx, change, id).await?;
                Ok(id)
            }

            /// Loads the numbers and contacts of these order rows and builds the orders.
            async fn hydrate(
                &self,
                rows: Vec<crate::store::rows::OrderRow>,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                use crate::store::rows::{group_by_order, ContactRow, NumberRow};
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let (mut numbers, mut contacts): (Vec<NumberRow>, Vec<ContactRow>) = (Vec::new(), Vec::new());
                // In chunks: a list of ids never outgrows the database's bind limit.
                for chunk in ids.chunks(crate::store::sql::IDS_PER_QUERY) {
                    let mut q = in_ids(
                        "SELECT order_id, position, number, number_type, status, route, active FROM order_numbers WHERE order_id IN (",
                        chunk,
                        "",
                    );
                    numbers.extend(q.build_query_as::<NumberRow>().fetch_all(&self.pool).await?);
                    let mut q = in_ids("SELECT order_id, position, email, failing, language FROM order_contacts WHERE order_id IN (", chunk, "");
                    contacts.extend(q.build_query_as::<ContactRow>().fetch_all(&self.pool).await?);
                }
                let mut numbers = group_by_order(numbers, |r| (r.order_id, r.position));
                let mut contacts = group_by_order(contacts, |r| (r.order_id, r.position));
                rows.into_iter()
                    .map(|row| {
                        let id = row.id;
                        row.into_order(numbers.remove(&id).unwrap_or_default(), contacts.remove(&id).unwrap_or_default())
                            .map_err(crate::store::StoreError::Unavailable)
                    })
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl crate::store::Store for $store {
            async fn migrate(&self) -> Result<Vec<String>, crate::store::StoreError> {
                self.run_migrations().await
            }

            async fn reserve_ref(&self) -> Result<crate::domain::OrderRef, crate::store::StoreError> {
                self.next_ref().await
            }

            async fn insert_order(&self, change: crate::store::OrderChange) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                Self::insert_in(&mut tx, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save(&self, change: crate::store::OrderChange) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                Self::update_in(&mut tx, &change).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn record_inbound(&self, record: crate::store::InboundRecord) -> Result<(), crate::store::StoreError> {
                use crate::store::StoreError;
                let crate::store::InboundRecord { message, change, handoff, documents, posts } = record;
                let key = &message.key;
                let order_id = change.as_ref().and_then(|c| crate::store::rows::order_id(&c.order.reference));
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(crate::store::sql::INSERT_INBOUND)
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
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyApplied(key.message_id.clone())),
                    other => other?,
                };
                if let Some(change) = &change {
                    let id = Self::update_in(&mut tx, change).await?;
                    for d in &documents {
                        sqlx::query(crate::store::sql::INSERT_DOCUMENT)
                            .bind(id)
                            .bind(&d.name)
                            .bind(&d.content_type)
                            .bind(&d.bytes)
                            .bind(&key.message_id)
                            .bind(message.received_at)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                let handoff_order = handoff.as_ref().and_then(|h| h.order.as_ref()).and_then(crate::store::rows::order_id);
                let mut posts = posts;
                if let Some(h) = &handoff {
                    let item: i64 = sqlx::query_scalar(crate::store::sql::INSERT_STAFF_ITEM)
                        .bind(&key.message_id)
                        .bind(handoff_order)
                        .bind(&message.sender)
                        .bind(&message.subject)
                        .bind(&message.kind)
                        .bind(&h.reason)
                        .bind(&h.raw)
                        .bind(message.received_at)
                        .fetch_one(&mut *tx)
                        .await?;
                    // The post names the item by the number it just got.
                    posts = posts.iter().map(|p| p.naming_inbox_item(item)).collect();
                }
                Self::queue(&mut tx, &posts, handoff_order.or(order_id), message.received_at).await?;
                if key.uidvalidity != 0 {
                    sqlx::query(crate::store::sql::UPSERT_CHECKPOINT)
                        .bind(&key.mailbox)
                        .bind(key.uidvalidity)
                        .bind(key.uid)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn advance_checkpoint(
                &self,
                mailbox: &str,
                uidvalidity: i64,
                uid: i64,
            ) -> Result<(), crate::store::StoreError> {
                sqlx::query(crate::store::sql::UPSERT_CHECKPOINT)
                    .bind(mailbox)
                    .bind(uidvalidity)
                    .bind(uid)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn checkpoint(&self, mailbox: &str) -> Result<Option<crate::store::Checkpoint>, crate::store::StoreError> {
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT uidvalidity, last_uid FROM mailbox_checkpoints WHERE mailbox = $1")
                        .bind(mailbox)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(uidvalidity, last_uid)| crate::store::Checkpoint { uidvalidity, last_uid }))
            }

            async fn open_orders_of_contact(
                &self,
                address: &crate::domain::EmailAddress,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM orders o JOIN order_contacts c ON c.order_id = o.id WHERE c.email = $1 \
                     AND o.state NOT IN ('completed', 'cancelled') ORDER BY o.id DESC LIMIT 50",
                    crate::store::sql::ORDER_COLUMNS
                );
                let rows = sqlx::query_as(&sql).bind(address.as_str()).fetch_all(&self.pool).await?;
                self.hydrate(rows).await
            }

            async fn staff_queue(
                &self,
                include_resolved: bool,
                limit: i64,
            ) -> Result<Vec<crate::domain::StaffItem>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM staff_queue WHERE ($1 OR status = 'open') ORDER BY id LIMIT $2",
                    crate::store::sql::STAFF_ITEM_COLUMNS
                );
                let rows: Vec<crate::store::rows::StaffItemRow> =
                    sqlx::query_as(&sql).bind(include_resolved).bind(limit).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|r| r.into_item(Vec::new()).map_err(crate::store::StoreError::Unavailable))
                    .collect()
            }

            async fn staff_item(&self, id: i64) -> Result<Option<crate::domain::StaffItem>, crate::store::StoreError> {
                let sql = format!("SELECT {} FROM staff_queue WHERE id = $1", crate::store::sql::STAFF_ITEM_COLUMNS);
                let row: Option<crate::store::rows::StaffItemRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let raw: Vec<u8> = sqlx::query_scalar("SELECT raw FROM staff_queue WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Some(row.into_item(raw).map_err(crate::store::StoreError::Unavailable)?))
            }

            async fn resolve_staff_item(&self, resolution: crate::store::Resolution) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let at = resolution.at;
                let order_id = resolution.change.as_ref().and_then(|c| crate::store::rows::order_id(&c.order.reference));
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
                        sqlx::query(crate::store::sql::INSERT_DOCUMENT)
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

            async fn documents(
                &self,
                reference: &crate::domain::OrderRef,
            ) -> Result<Vec<crate::domain::DocumentInfo>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else { return Ok(Vec::new()) };
                let rows: Vec<crate::store::rows::DocumentRow> = sqlx::query_as(
                    "SELECT name, content_type, CAST(LENGTH(bytes) AS BIGINT) AS size, received_at \
                     FROM order_documents WHERE order_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn save_customer(&self, customer: &crate::domain::Customer) -> Result<(), crate::store::StoreError> {
                self.save_customer_sql(customer).await
            }

            async fn customer(&self, account: &str) -> Result<Option<crate::domain::Customer>, crate::store::StoreError> {
                self.customer_sql(account).await
            }

            async fn port_request(
                &self,
                request_id: &str,
            ) -> Result<Option<(String, String)>, crate::store::StoreError> {
                self.port_request_sql(request_id).await
            }

            async fn record_port_request(
                &self,
                record: crate::store::PortRequestRecord,
            ) -> Result<(), crate::store::StoreError> {
                self.record_port_request_sql(record).await
            }

            async fn queue_once(
                &self,
                key: &str,
                drafts: &[crate::domain::OutboxDraft],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                self.queue_once_sql(key, drafts, at).await
            }

            async fn metrics(&self) -> Result<crate::store::StoreMetrics, crate::store::StoreError> {
                self.metrics_sql().await
            }

            async fn inbound_count(&self) -> Result<i64, crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM inbound_messages").fetch_one(&self.pool).await?)
            }

            async fn claim_outbox(
                &self,
                claim: &crate::store::OutboxClaim,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                self.claim_outbox_sql(claim).await
            }

            async fn settle_outbox(&self, id: i64, settled: crate::store::Settled) -> Result<(), crate::store::StoreError> {
                self.settle_outbox_sql(id, settled).await
            }

            async fn last_message_from(
                &self,
                reference: &crate::domain::OrderRef,
                contacts: &[crate::domain::EmailAddress],
            ) -> Result<Option<String>, crate::store::StoreError> {
                self.last_message_from_sql(reference, contacts).await
            }

            async fn emails_to_since(
                &self,
                address: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<i64, crate::store::StoreError> {
                self.emails_to_since_sql(address, since).await
            }

            async fn carrier_turnarounds(
                &self,
                carrier: &str,
            ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>, crate::store::StoreError> {
                self.carrier_turnarounds_sql(carrier).await
            }

            async fn order(
                &self,
                reference: &crate::domain::OrderRef,
            ) -> Result<Option<crate::domain::Order>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else { return Ok(None) };
                let sql = format!("SELECT {} FROM orders o WHERE o.id = $1", crate::store::sql::ORDER_COLUMNS);
                let row: Option<crate::store::rows::OrderRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
                Ok(self.hydrate(row.into_iter().collect()).await?.pop())
            }

            async fn orders_with_number(
                &self,
                number: &crate::domain::PhoneNumber,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM orders o JOIN order_numbers n ON n.order_id = o.id WHERE n.number = $1 \
                     ORDER BY n.active DESC, o.id DESC LIMIT 50",
                    crate::store::sql::ORDER_COLUMNS
                );
                let rows = sqlx::query_as(&sql).bind(number.e164()).fetch_all(&self.pool).await?;
                self.hydrate(rows).await
            }

            async fn list_orders(
                &self,
                filter: &crate::store::OrderFilter,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM orders o WHERE ($1 IS NULL OR o.state = $1) ORDER BY o.id DESC LIMIT $2",
                    crate::store::sql::ORDER_COLUMNS
                );
                let rows = sqlx::query_as(&sql)
                    .bind(filter.state.map(|s| s.as_str().to_string()))
                    .bind(filter.limit)
                    .fetch_all(&self.pool)
                    .await?;
                self.hydrate(rows).await
            }

            async fn timelines(
                &self,
                references: &[crate::domain::OrderRef],
            ) -> Result<crate::store::Timelines, crate::store::StoreError> {
                let ids: Vec<i64> = references.iter().filter_map(crate::store::rows::order_id).collect();
                let mut out = crate::store::Timelines::new();
                if ids.is_empty() {
                    return Ok(out);
                }
                for chunk in ids.chunks(crate::store::sql::IDS_PER_QUERY) {
                    let mut q = in_ids(
                        "SELECT order_id, at, source, event, text FROM timeline WHERE order_id IN (",
                        chunk,
                        " ORDER BY id",
                    );
                    let rows: Vec<crate::store::rows::TimelineRow> = q.build_query_as().fetch_all(&self.pool).await?;
                    for row in rows {
                        out.entry(crate::domain::OrderRef::from_number(row.order_id)).or_default().push(row.into());
                    }
                }
                Ok(out)
            }

            async fn outbox(
                &self,
                include_sent: bool,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                let rows: Vec<crate::store::rows::OutboxRow> =
                    sqlx::query_as(crate::store::sql::OUTBOX).bind(include_sent).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|r| r.into_message().map_err(crate::store::StoreError::Unavailable))
                    .collect()
            }
        }
    };
}

pub(crate) use impl_store;
