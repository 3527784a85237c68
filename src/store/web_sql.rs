//! `WebStore`: what the web board reads and keeps beyond orders (staff accounts, their
//! sessions, an order's e-mails and files, the charts' history), in SQL both backends
//! share (stamped out per backend by `impl_web_sql!`).

macro_rules! impl_web_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl crate::store::WebStore for $store {
            async fn save_staff_account(
                &self,
                account: &crate::domain::staff::StaffAccount,
            ) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO staff_accounts (name, password_hash, role, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role",
                )
                .bind(&account.name)
                .bind(&account.password_hash)
                .bind(account.role.as_str())
                .bind(account.created_at)
                .execute(&mut *tx)
                .await?;
                // A new password ends the account's sessions.
                sqlx::query("DELETE FROM web_sessions WHERE staff_name = $1")
                    .bind(&account.name)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn staff_account(
                &self,
                name: &str,
            ) -> Result<Option<crate::domain::staff::StaffAccount>, crate::store::StoreError> {
                let row: Option<(String, String, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT name, password_hash, role, created_at FROM staff_accounts WHERE name = $1",
                )
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
                row.map(crate::store::web_rows::staff_account).transpose()
            }

            async fn staff_accounts(
                &self,
            ) -> Result<Vec<crate::domain::staff::StaffAccount>, crate::store::StoreError> {
                let rows: Vec<(String, String, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT name, password_hash, role, created_at FROM staff_accounts ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(crate::store::web_rows::staff_account).collect()
            }

            async fn open_session(
                &self,
                session: &crate::domain::staff::WebSession,
            ) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                // Sessions past their time go as new ones come.
                sqlx::query("DELETE FROM web_sessions WHERE staff_name = $1 AND expires_at <= $2")
                    .bind(&session.staff_name)
                    .bind(session.created_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO web_sessions (id_hash, staff_name, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&session.id_hash)
                .bind(&session.staff_name)
                .bind(&session.csrf_token)
                .bind(session.created_at)
                .bind(session.expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn session(
                &self,
                id_hash: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<
                Option<(crate::domain::staff::WebSession, crate::domain::staff::StaffAccount)>,
                crate::store::StoreError,
            > {
                type Row = (
                    String,
                    String,
                    chrono::DateTime<chrono::Utc>,
                    chrono::DateTime<chrono::Utc>,
                    String,
                    String,
                    chrono::DateTime<chrono::Utc>,
                );
                let row: Option<Row> = sqlx::query_as(
                    "SELECT s.csrf_token, s.staff_name, s.created_at, s.expires_at, a.password_hash, a.role, a.created_at \
                     FROM web_sessions s JOIN staff_accounts a ON a.name = s.staff_name \
                     WHERE s.id_hash = $1 AND s.expires_at > $2",
                )
                .bind(id_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                let Some((csrf_token, name, created_at, expires_at, hash, role, account_created)) = row else {
                    return Ok(None);
                };
                let account = crate::store::web_rows::staff_account((name.clone(), hash, role, account_created))?;
                let session = crate::domain::staff::WebSession {
                    id_hash: id_hash.to_string(),
                    staff_name: name,
                    csrf_token,
                    created_at,
                    expires_at,
                };
                Ok(Some((session, account)))
            }

            async fn close_session(&self, id_hash: &str) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn order_emails(
                &self,
                reference: &crate::domain::OrderRef,
                limit: i64,
            ) -> Result<Vec<crate::domain::OutboxMessage>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(Vec::new());
                };
                let sql = format!(
                    "SELECT {} FROM outbox WHERE order_id = $1 ORDER BY id DESC LIMIT $2",
                    crate::store::statements::OUTBOX_COLUMNS
                );
                let rows: Vec<crate::store::trail_rows::OutboxRow> =
                    sqlx::query_as(&sql).bind(id).bind(limit).fetch_all(&self.pool).await?;
                rows.into_iter()
                    .map(|r| r.into_message().map_err(crate::store::StoreError::Unavailable))
                    .collect()
            }

            async fn document(
                &self,
                reference: &crate::domain::OrderRef,
                index: i64,
            ) -> Result<Option<(crate::domain::DocumentInfo, Vec<u8>)>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(None);
                };
                let row: Option<(String, String, Vec<u8>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT name, content_type, bytes, received_at FROM order_documents WHERE order_id = $1 \
                     ORDER BY id LIMIT 1 OFFSET $2",
                )
                .bind(id)
                .bind(index)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(name, content_type, bytes, received_at)| {
                    let info = crate::domain::DocumentInfo {
                        name,
                        content_type,
                        size: bytes.len() as i64,
                        received_at,
                    };
                    (info, bytes)
                }))
            }

            async fn port_days(
                &self,
                first: chrono::NaiveDate,
                last: chrono::NaiveDate,
                limit: i64,
            ) -> Result<Vec<crate::store::PortDay>, crate::store::StoreError> {
                let rows: Vec<(i64, String, String, chrono::NaiveDate, bool)> =
                    sqlx::query_as(crate::store::statements::PORT_DAYS)
                        .bind(first)
                        .bind(last)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, customer, state, foc_date, routing_unconfirmed)| crate::store::PortDay {
                        order: crate::domain::OrderRef::from_number(id).to_string(),
                        customer,
                        state,
                        foc_date,
                        routing_unconfirmed,
                    })
                    .collect())
            }

            async fn state_days(
                &self,
                since: chrono::NaiveDate,
            ) -> Result<Vec<crate::store::StateDay>, crate::store::StoreError> {
                let rows: Vec<(chrono::NaiveDate, String, i64, i64)> = sqlx::query_as(
                    "SELECT day, state, CAST(SUM(entered) AS BIGINT), CAST(SUM(exited) AS BIGINT) FROM state_days \
                     WHERE day >= $1 GROUP BY day, state ORDER BY day",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(day, state, entered, exited)| crate::store::StateDay {
                        day,
                        state,
                        entered,
                        exited,
                    })
                    .collect())
            }

            async fn carrier_history(
                &self,
                limit: i64,
            ) -> Result<Vec<crate::domain::staff::CarrierTurn>, crate::store::StoreError> {
                // The newest of each event through the timeline's index by event, then their orders
                // by key (one join would let PostgreSQL hash every order).
                let mut events: Vec<(i64, String, chrono::DateTime<chrono::Utc>)> = Vec::new();
                for event in ["foc_confirmed", "completed"] {
                    let rows: Vec<(i64, String, chrono::DateTime<chrono::Utc>)> =
                        sqlx::query_as(crate::store::statements::NEWEST_OF_EVENT)
                            .bind(event)
                            .bind(limit)
                            .fetch_all(&self.pool)
                            .await?;
                    events.extend(rows);
                }
                let mut ids: Vec<i64> = events.iter().map(|(id, _, _)| *id).collect();
                ids.sort_unstable();
                ids.dedup();
                let mut orders = std::collections::HashMap::new();
                for chunk in ids.chunks(crate::store::statements::IDS_PER_QUERY) {
                    let rows: Vec<(i64, String, Option<chrono::DateTime<chrono::Utc>>)> =
                        in_ids("SELECT id, carrier, submitted_at FROM orders WHERE id IN (", chunk, "")
                            .build_query_as()
                            .fetch_all(&self.pool)
                            .await?;
                    orders.extend(rows.into_iter().map(|(id, carrier, submitted)| (id, (carrier, submitted))));
                }
                let rows = events
                    .into_iter()
                    .filter_map(|(id, event, at)| {
                        let (carrier, submitted) = orders.get(&id)?;
                        Some((id, carrier.clone(), (*submitted)?, event, at))
                    })
                    .collect();
                Ok(crate::store::web_rows::carrier_turns(rows))
            }
        }
    };
}

pub(crate) use impl_web_sql;
