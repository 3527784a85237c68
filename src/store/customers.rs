//! `CustomerStore` and `PortRequestStore`: customer accounts and the portal's port
//! requests, in SQL both backends share (stamped out per backend by `impl_customer_sql!`).

macro_rules! impl_customer_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl crate::store::CustomerStore for $store {
            async fn save_customer(&self, c: &crate::domain::Customer) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let numbers: Vec<String> = c.temporary_numbers.iter().map(|n| n.e164()).collect();
                sqlx::query(
                    "INSERT INTO customers (account, company, onboarded, time_zone, temporary_numbers, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account) DO UPDATE SET company = excluded.company, \
                     onboarded = excluded.onboarded, time_zone = excluded.time_zone, \
                     temporary_numbers = excluded.temporary_numbers",
                )
                .bind(&c.account)
                .bind(&c.company)
                .bind(c.onboarded)
                .bind(c.time_zone.name())
                .bind(numbers.join(" "))
                .bind(c.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM customer_contacts WHERE account = $1").bind(&c.account).execute(&mut *tx).await?;
                for (i, contact) in c.contacts.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO customer_contacts (account, position, email, name, language) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&c.account)
                    .bind(i as i64)
                    .bind(contact.email.as_str())
                    .bind(&contact.name)
                    .bind(contact.language.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn customer(&self, account: &str) -> Result<Option<crate::domain::Customer>, crate::store::StoreError> {
                use crate::store::StoreError;
                type Row = (String, String, bool, String, String, chrono::DateTime<chrono::Utc>);
                let row: Option<Row> = sqlx::query_as(
                    "SELECT account, company, onboarded, time_zone, temporary_numbers, created_at FROM customers \
                     WHERE account = $1",
                )
                .bind(account)
                .fetch_optional(&self.pool)
                .await?;
                let Some((account, company, onboarded, tz, numbers, created_at)) = row else { return Ok(None) };
                let contacts: Vec<(String, Option<String>, String)> = sqlx::query_as(
                    "SELECT email, name, language FROM customer_contacts WHERE account = $1 ORDER BY position",
                )
                .bind(&account)
                .fetch_all(&self.pool)
                .await?;
                let bad = |what: String| StoreError::Unavailable(anyhow::anyhow!("customer {account} is unreadable: {what}"));
                let contacts = contacts
                    .into_iter()
                    .map(|(email, name, language)| {
                        Ok(crate::domain::CustomerContact {
                            email: email.parse().map_err(|e: crate::domain::email::EmailAddressError| bad(e.to_string()))?,
                            name,
                            language: language.parse().map_err(bad)?,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok(Some(crate::domain::Customer {
                    company,
                    onboarded,
                    contacts,
                    time_zone: tz.parse().map_err(|e| bad(format!("{e}")))?,
                    temporary_numbers: numbers
                        .split_whitespace()
                        .map(|n| n.parse().map_err(|e| bad(format!("{e}"))))
                        .collect::<Result<_, _>>()?,
                    created_at,
                    account: account.clone(),
                }))
            }
        }

        impl $store {
            /// A request's new orders, then its messages (filed on the first order).
            async fn open_request_orders(
                tx: &mut sqlx::Transaction<'static, $db>,
                r: &crate::store::PortRequestRecord,
            ) -> Result<(), crate::store::StoreError> {
                let mut first = None;
                for change in &r.orders {
                    let id = Self::insert_in(tx, change).await?;
                    first.get_or_insert(id);
                }
                Self::queue(tx, &r.outbox, first, r.received_at).await
            }
        }

        #[async_trait::async_trait]
        impl crate::store::PortRequestStore for $store {
            async fn port_request(&self, request_id: &str) -> Result<Option<(String, String)>, crate::store::StoreError> {
                Ok(sqlx::query_as("SELECT body_hash, response FROM port_requests WHERE request_id = $1")
                    .bind(request_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn record_port_request(&self, r: crate::store::PortRequestRecord) -> Result<(), crate::store::StoreError> {
                use crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(
                    "INSERT INTO port_requests (request_id, customer, body_hash, status, response, received_at, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&r.request_id)
                .bind(&r.customer)
                .bind(&r.body_hash)
                .bind(&r.status)
                .bind(&r.receipt)
                .bind(r.received_at)
                .bind(&r.body)
                .execute(&mut *tx)
                .await;
                match inserted {
                    Err(e) if is_unique_violation(&e) => return Err(StoreError::AlreadyApplied(r.request_id.clone())),
                    other => other?,
                };
                Self::open_request_orders(&mut tx, &r).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn held_port_requests(&self, customer: &str) -> Result<Vec<(String, Vec<u8>)>, crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT request_id, body FROM port_requests \
                     WHERE customer = $1 AND status = 'held' AND body IS NOT NULL ORDER BY received_at, request_id",
                )
                .bind(customer)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn release_port_request(&self, r: crate::store::PortRequestRecord) -> Result<(), crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let released = sqlx::query(
                    "UPDATE port_requests SET status = $2, response = $3, body = NULL \
                     WHERE request_id = $1 AND status = 'held'",
                )
                .bind(&r.request_id)
                .bind(&r.status)
                .bind(&r.receipt)
                .execute(&mut *tx)
                .await?;
                if released.rows_affected() != 1 {
                    return Err(crate::store::StoreError::AlreadyApplied(r.request_id.clone()));
                }
                Self::open_request_orders(&mut tx, &r).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_customer_sql;
