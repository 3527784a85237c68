//! `OrderStore`: opening and saving orders (through the write path in `sql.rs`) and
//! reading them (one, by number, by contact, a page of them, their timelines, their
//! files, a carrier's turnaround), in SQL both backends share (stamped out per backend
//! by `impl_orders_sql!`).

macro_rules! impl_orders_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Loads the numbers and contacts of these order rows and builds the orders.
            async fn hydrate(
                &self,
                rows: Vec<crate::store::rows::OrderRow>,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                use crate::store::rows::{group_by_order, LineRow};
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let mut lines = Vec::new();
                // In chunks: a list of ids never outgrows the database's bind limit.
                for chunk in ids.chunks(crate::store::statements::IDS_PER_QUERY) {
                    use crate::store::statements::{AND_CONTACTS_OF_ORDERS, NUMBERS_OF_ORDERS};
                    let mut q = in_ids(NUMBERS_OF_ORDERS, chunk, AND_CONTACTS_OF_ORDERS);
                    let mut same_ids = q.separated(", ");
                    for id in chunk {
                        same_ids.push_bind(*id);
                    }
                    q.push(")");
                    lines.extend(q.build_query_as::<LineRow>().fetch_all(&self.pool).await?);
                }
                let (numbers, contacts) = LineRow::split(lines);
                let mut numbers = group_by_order(numbers, |r| (r.order_id, r.position));
                let mut contacts = group_by_order(contacts, |r| (r.order_id, r.position));
                rows.into_iter()
                    .map(|row| {
                        let id = row.id;
                        row.into_order(
                            numbers.remove(&id).unwrap_or_default(),
                            contacts.remove(&id).unwrap_or_default(),
                        )
                        .map_err(crate::store::StoreError::Unavailable)
                    })
                    .collect()
            }

            /// One order in one statement, with its mail history since `since` when asked
            /// (an empty one when not).
            async fn read_order(
                &self,
                reference: &crate::domain::OrderRef,
                since: Option<chrono::DateTime<chrono::Utc>>,
            ) -> Result<Option<(crate::domain::Order, crate::store::MailHistory)>, crate::store::StoreError> {
                use crate::store::order_lines::{order_from_rows, LineColumns};
                use crate::store::statements::{ORDER_WITH_LINES, ORDER_WITH_MAIL};
                use sqlx::{FromRow, Row};
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(None);
                };
                let sql = if since.is_some() {
                    &ORDER_WITH_MAIL
                } else {
                    &ORDER_WITH_LINES
                };
                let mut q = sqlx::query(sql.as_str()).bind(id);
                if let Some(since) = since {
                    q = q.bind(since);
                }
                let rows = q.fetch_all(&self.pool).await?;
                let Some(first) = rows.first() else {
                    return Ok(None);
                };
                let order = crate::store::rows::OrderRow::from_row(first)?;
                let last_message: Option<String> = first.try_get("last_message")?;
                let lines = rows
                    .iter()
                    .map(LineColumns::from_row)
                    .collect::<Result<Vec<_>, _>>()?;
                order_from_rows(order, last_message, lines)
                    .map(Some)
                    .map_err(crate::store::StoreError::Unavailable)
            }

            /// The orders with these ids, in the order given.
            async fn orders_by_ids(&self, ids: &[i64]) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let mut out = Vec::new();
                for chunk in ids.chunks(crate::store::statements::IDS_PER_QUERY) {
                    let sql = format!(
                        "SELECT {} FROM orders o WHERE o.id IN (",
                        crate::store::statements::ORDER_COLUMNS
                    );
                    let mut q = in_ids(&sql, chunk, "");
                    let rows: Vec<crate::store::rows::OrderRow> = q.build_query_as().fetch_all(&self.pool).await?;
                    out.extend(self.hydrate(rows).await?);
                }
                out.sort_by_key(|o| {
                    ids.iter()
                        .position(|id| Some(*id) == crate::store::rows::order_id(&o.reference))
                });
                Ok(out)
            }

            /// The orders `SELECT … FROM orders o {joined}` finds, with `key` as `$1`.
            async fn orders_joined(
                &self,
                joined: &str,
                key: &str,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let sql = format!(
                    "SELECT {} FROM orders o {joined}",
                    crate::store::statements::ORDER_COLUMNS
                );
                let rows = sqlx::query_as(&sql).bind(key).fetch_all(&self.pool).await?;
                self.hydrate(rows).await
            }
        }

        #[async_trait::async_trait]
        impl crate::store::OrderStore for $store {
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

            async fn order(
                &self,
                reference: &crate::domain::OrderRef,
            ) -> Result<Option<crate::domain::Order>, crate::store::StoreError> {
                Ok(self.read_order(reference, None).await?.map(|(order, _)| order))
            }

            async fn order_with_mail_history(
                &self,
                reference: &crate::domain::OrderRef,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<(crate::domain::Order, crate::store::MailHistory)>, crate::store::StoreError> {
                self.read_order(reference, Some(since)).await
            }

            async fn orders_with_number(
                &self,
                number: &crate::domain::PhoneNumber,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let joined = "JOIN order_numbers n ON n.order_id = o.id WHERE n.number = $1 \
                              ORDER BY n.active DESC, o.id DESC LIMIT 50";
                self.orders_joined(joined, &number.e164()).await
            }

            async fn list_orders(
                &self,
                filter: &crate::store::OrderFilter,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                // Only the conditions asked for, so that each database sees which index
                // serves it (an `$n IS NULL OR ...` would hide it and read every order).
                let mut q = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM orders o WHERE TRUE",
                    crate::store::statements::ORDER_COLUMNS
                ));
                if let Some(state) = filter.state {
                    q.push(" AND o.state = ").push_bind(state.as_str().to_string());
                }
                if let Some(before) = filter.opened_before {
                    q.push(" AND o.opened_at < ").push_bind(before);
                }
                if let Some(before) = filter.submitted_before {
                    q.push(" AND o.submitted_at < ").push_bind(before);
                }
                if let Some((one, other)) = filter.foc_on {
                    q.push(" AND (o.foc_date = ").push_bind(one);
                    q.push(" OR o.foc_date = ").push_bind(other).push(")");
                }
                if let Some(before) = filter.foc_before {
                    q.push(" AND o.foc_date < ").push_bind(before);
                }
                if let Some((first, last)) = filter.foc_between {
                    q.push(" AND o.foc_date >= ").push_bind(first);
                    q.push(" AND o.foc_date <= ").push_bind(last);
                }
                if let Some(carrier) = &filter.carrier {
                    q.push(" AND o.carrier = ").push_bind(carrier.clone());
                }
                if let Some(customer) = &filter.customer {
                    q.push(" AND o.customer = ").push_bind(customer.clone());
                }
                if filter.routing_unconfirmed {
                    q.push(Self::ROUTING_UNCONFIRMED);
                }
                // Orders cut off by age (stuck orders) the longest waiting first, read in
                // order off the index of their state and age; the rest the newest first.
                if filter.opened_before.is_some() {
                    q.push(" ORDER BY o.opened_at, o.id");
                } else if filter.submitted_before.is_some() {
                    q.push(" ORDER BY o.submitted_at, o.id");
                } else if filter.foc_before.is_some() {
                    q.push(" ORDER BY o.foc_date, o.id");
                } else {
                    q.push(" ORDER BY o.id DESC");
                }
                q.push(" LIMIT ").push_bind(filter.limit);
                let rows: Vec<crate::store::rows::OrderRow> = q.build_query_as().fetch_all(&self.pool).await?;
                self.hydrate(rows).await
            }

            async fn timelines(
                &self,
                references: &[crate::domain::OrderRef],
            ) -> Result<crate::store::Timelines, crate::store::StoreError> {
                let ids: Vec<i64> = references
                    .iter()
                    .filter_map(crate::store::rows::order_id)
                    .collect();
                let mut out = crate::store::Timelines::new();
                if ids.is_empty() {
                    return Ok(out);
                }
                for chunk in ids.chunks(crate::store::statements::IDS_PER_QUERY) {
                    let mut q = in_ids(
                        "SELECT order_id, at, source, event, text FROM timeline WHERE order_id IN (",
                        chunk,
                        " ORDER BY id",
                    );
                    let rows: Vec<crate::store::trail_rows::TimelineRow> =
                        q.build_query_as().fetch_all(&self.pool).await?;
                    for row in rows {
                        out.entry(crate::domain::OrderRef::from_number(row.order_id))
                            .or_default()
                            .push(row.into());
                    }
                }
                Ok(out)
            }

            fn writers(&self) -> usize {
                Self::WRITERS
            }

            async fn claim_attention(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                until: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(Self::CLAIM_ATTENTION)
                    .bind(now)
                    .bind(until)
                    .bind(limit.min(crate::store::statements::IDS_PER_QUERY as i64))
                    .fetch_all(&self.pool)
                    .await?;
                self.orders_by_ids(&ids).await
            }

            async fn set_attention(
                &self,
                reference: &crate::domain::OrderRef,
                version: i64,
                at: Option<chrono::DateTime<chrono::Utc>>,
            ) -> Result<bool, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(false);
                };
                let done = sqlx::query(Self::SET_ATTENTION)
                    .bind(id)
                    .bind(version)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn open_orders_of_contact(
                &self,
                address: &crate::domain::EmailAddress,
            ) -> Result<Vec<crate::domain::Order>, crate::store::StoreError> {
                let joined = "JOIN order_contacts c ON c.order_id = o.id WHERE c.email = $1 \
                              AND o.state NOT IN ('completed', 'cancelled') ORDER BY o.id DESC LIMIT 50";
                self.orders_joined(joined, address.as_str()).await
            }

            async fn documents(
                &self,
                reference: &crate::domain::OrderRef,
            ) -> Result<Vec<crate::domain::DocumentInfo>, crate::store::StoreError> {
                let Some(id) = crate::store::rows::order_id(reference) else {
                    return Ok(Vec::new());
                };
                let rows: Vec<crate::store::trail_rows::DocumentRow> = sqlx::query_as(
                    "SELECT name, content_type, CAST(LENGTH(bytes) AS BIGINT) AS size, received_at \
                     FROM order_documents WHERE order_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn carrier_turnarounds(
                &self,
                carrier: &str,
            ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>, crate::store::StoreError>
            {
                type Row = (i64, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);
                let rows: Vec<Row> = sqlx::query_as(crate::store::statements::CARRIER_FOCS)
                    .bind(carrier)
                    .fetch_all(&self.pool)
                    .await?;
                // Each order's first FOC confirmation after its (last) submission, the
                // orders with the latest FOCs first.
                let mut turnarounds: Vec<Row> = Vec::new();
                for (id, submitted, confirmed) in rows {
                    if confirmed < submitted {
                        continue;
                    }
                    match turnarounds.iter_mut().find(|(seen, _, _)| *seen == id) {
                        Some(seen) => seen.2 = seen.2.min(confirmed),
                        None => turnarounds.push((id, submitted, confirmed)),
                    }
                }
                Ok(turnarounds.into_iter().take(50).map(|(_, s, c)| (s, c)).collect())
            }
        }
    };
}

pub(crate) use impl_orders_sql;
