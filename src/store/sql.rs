//! The one write path every aggregate saves orders through (`insert_in`, `update_in`:
//! the order row with its version check, its numbers and contacts, its files, timeline
//! entry and outbox rows), the helpers the aggregates' SQL shares, and `Store` itself
//! (migrations) with `MetricsStore`. The SQL is the same on both backends (`$N`
//! placeholders mean the same on SQLite and PostgreSQL), stamped out per backend by
//! `impl_store!`; what differs stays in sqlite.rs and postgres.rs: connecting,
//! migrations, how a write transaction begins, how a reference is reserved.

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
                .bind(row.requested_date)
                .bind(row.supplements)
                .bind(row.new_btn)
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
                Self::write_files_and_lines(tx, change, id).await?;
                Self::write_entry(tx, change, id).await?;
                Self::queue(tx, &change.outbox, Some(id), change.entry.at).await
            }

            /// The files a change brings, the numbers and contacts when they changed, and
            /// the e-mails waiting to leave that it withdraws.
            async fn write_files_and_lines(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
                id: i64,
            ) -> Result<(), crate::store::StoreError> {
                // Not from a message: recorded by staff.
                let origin = format!("staff:{}", change.entry.source);
                Self::insert_documents(tx, id, &change.documents, &origin, change.entry.at).await?;
                if change.lines_changed {
                    Self::write_numbers(tx, &change.order, id).await?;
                    Self::write_contacts(tx, &change.order, id).await?;
                }
                Self::withdraw_mail(tx, id, &change.withdraw).await
            }

            /// The change's once-key (refused if already taken) and its timeline entry.
            async fn write_entry(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
                id: i64,
            ) -> Result<(), crate::store::StoreError> {
                if let Some(key) = &change.once {
                    let inserted = sqlx::query("INSERT INTO once_keys (key, order_id, at) VALUES ($1, $2, $3)")
                        .bind(key)
                        .bind(id)
                        .bind(change.entry.at)
                        .execute(&mut **tx)
                        .await;
                    match inserted {
                        Err(e) if is_unique_violation(&e) => return Err(crate::store::StoreError::AlreadyApplied(key.clone())),
                        other => other?,
                    };
                }
                let e = &change.entry;
                sqlx::query(crate::store::statements::INSERT_TIMELINE)
                    .bind(id)
                    .bind(e.at)
                    .bind(&e.source)
                    .bind(&e.event)
                    .bind(&e.text)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// Keeps files with an order: `origin` is the Message-ID they came in, or who
            /// recorded them.
            async fn insert_documents(
                tx: &mut sqlx::Transaction<'static, $db>,
                id: i64,
                documents: &[crate::domain::Document],
                origin: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), crate::store::StoreError> {
                for d in documents {
                    sqlx::query(crate::store::statements::INSERT_DOCUMENT)
                        .bind(id)
                        .bind(&d.name)
                        .bind(&d.content_type)
                        .bind(&d.bytes)
                        .bind(origin)
                        .bind(at)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// The order's numbers as they now are; a number on another open order is a
            /// `Conflict` (the partial unique index).
            async fn write_numbers(
                tx: &mut sqlx::Transaction<'static, $db>,
                order: &crate::domain::Order,
                id: i64,
            ) -> Result<(), crate::store::StoreError> {
                use crate::store::rows::NumberRow;
                use crate::store::StoreError;
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
                Ok(())
            }

            /// The order's contacts as they now are, with whether mail to each bounces
            /// and the language each writes in.
            async fn write_contacts(
                tx: &mut sqlx::Transaction<'static, $db>,
                order: &crate::domain::Order,
                id: i64,
            ) -> Result<(), crate::store::StoreError> {
                sqlx::query("DELETE FROM order_contacts WHERE order_id = $1").bind(id).execute(&mut **tx).await?;
                if order.contacts.is_empty() {
                    return Ok(());
                }
                let mut q =
                    sqlx::QueryBuilder::<$db>::new("INSERT INTO order_contacts (order_id, position, email, failing, language) ");
                q.push_values(order.contacts.iter().enumerate(), |mut b, (i, c)| {
                    b.push_bind(id)
                        .push_bind(i as i64)
                        .push_bind(c.as_str().to_string())
                        .push_bind(order.failing_contacts.contains(c))
                        .push_bind(order.languages.get(c).map(|l| l.as_str()));
                });
                q.build().execute(&mut **tx).await?;
                Ok(())
            }

            /// Saves a change to an existing order in the caller's transaction.
            async fn update_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                change: &crate::store::OrderChange,
            ) -> Result<i64, crate::store::StoreError> {
                use crate::store::StoreError;
                let row = crate::store::rows::OrderRow::from_order(&change.order).map_err(StoreError::Unavailable)?;
                let id = row.id;
                // The order, its once-key, its timeline entry and its recipients' locks in one
                // statement.
                let e = &change.entry;
                let updated: Result<Vec<_>, sqlx::Error> = bind_order(sqlx::query(Self::UPDATE_WITH_ENTRY), row)
                    .bind(change.attention_at)
                    .bind(change.once.as_deref())
                    .bind(e.at)
                    .bind(&e.source)
                    .bind(&e.event)
                    .bind(&e.text)
                    .bind(crate::store::outbox_sql::limited_recipients(&change.outbox).join("\n"))
                    .fetch_all(&mut **tx)
                    .await;
                // Its first row counts the orders updated; no row is none.
                let updated: Result<i64, sqlx::Error> = updated.and_then(|rows| match rows.first() {
                    Some(r) => sqlx::Row::try_get(r, 0),
                    None => Ok(0),
                });
                match updated {
                    Err(err) if is_unique_violation(&err) => {
                        return Err(StoreError::AlreadyApplied(change.once.clone().unwrap_or_default()))
                    }
                    Ok(1) => {}
                    Ok(_) => return Err(StoreError::Conflict(change.order.reference.clone())),
                    Err(err) => return Err(err.into()),
                }
                Self::write_files_and_lines(tx, change, id).await?;
                // The statement took the recipients' locks.
                Self::queue_held(tx, &change.outbox, Some(id), e.at).await?;
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
                bind_order(sqlx::query(crate::store::statements::INSERT_ORDER), row)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(crate::store::statements::INSERT_ATTENTION)
                    .bind(id)
                    .bind(change.attention_at)
                    .execute(&mut **tx)
                    .await?;
                Self::write_children(tx, change, id).await?;
                Ok(id)
            }

        }

        #[async_trait::async_trait]
        impl crate::store::MetricsStore for $store {
            async fn inbound_count(&self) -> Result<i64, crate::store::StoreError> {
                Ok(sqlx::query_scalar(crate::store::statements::INBOUND_TALLY)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn metrics(&self) -> Result<crate::store::StoreMetrics, crate::store::StoreError> {
                let tallies: Vec<(String, String, i64)> = sqlx::query_as(crate::store::statements::TALLIES)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(crate::store::StoreMetrics::from_tallies(tallies))
            }
        }

        #[async_trait::async_trait]
        impl crate::store::Store for $store {
            async fn migrate(&self) -> Result<Vec<String>, crate::store::StoreError> {
                self.run_migrations().await
            }
        }
    };
}

pub(crate) use impl_store;
