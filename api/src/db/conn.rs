//! [`Conn`] and [`Tx`]: a connection taken from the pool, or an open transaction, on either
//! backend. Storage functions take `&mut Conn`, so the same function runs alone on a pooled
//! connection or as one step of a use case's transaction (a `&mut Tx` is a `&mut Conn`).

use crate::db::{Db, DbKind};
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use std::ops::{Deref, DerefMut};

/// A connection to the configured database: from the pool ([`Db::conn`]), or the connection
/// of a transaction ([`Db::begin`]).
#[derive(Debug)]
pub struct Conn(Inner);

#[derive(Debug)]
enum Inner {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    SqliteTx(Transaction<'static, Sqlite>),
    PostgresTx(Transaction<'static, Postgres>),
}

/// The driver connection a statement runs on (see `db::sql`).
pub(crate) enum Raw<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn {
    /// The backend this connection talks to, for the few statements spelled per backend.
    pub fn kind(&self) -> DbKind {
        match &self.0 {
            Inner::Sqlite(_) | Inner::SqliteTx(_) => DbKind::Sqlite,
            Inner::Postgres(_) | Inner::PostgresTx(_) => DbKind::Postgres,
        }
    }

    /// Whether this connection is a transaction's ([`Db::begin`]): statements that must
    /// commit together with others (the audit row with its change) check it.
    pub fn in_transaction(&self) -> bool {
        matches!(&self.0, Inner::SqliteTx(_) | Inner::PostgresTx(_))
    }

    pub(crate) fn raw(&mut self) -> Raw<'_> {
        match &mut self.0 {
            Inner::Sqlite(c) => Raw::Sqlite(c),
            Inner::Postgres(c) => Raw::Postgres(c),
            Inner::SqliteTx(c) => Raw::Sqlite(c),
            Inner::PostgresTx(c) => Raw::Postgres(c),
        }
    }
}

/// An open transaction: every statement run on it commits together at [`Tx::commit`], or not
/// at all (dropping it rolls back).
#[derive(Debug)]
pub struct Tx(Conn);

impl Tx {
    /// Commits every statement of the transaction.
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0.0 {
            Inner::SqliteTx(tx) => tx.commit().await,
            Inner::PostgresTx(tx) => tx.commit().await,
            // `Db::begin` makes only transactions.
            Inner::Sqlite(_) | Inner::Postgres(_) => Ok(()),
        }
    }
}

impl Deref for Tx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Db {
    /// A connection from the pool, for statements that need no transaction (reads, single
    /// writes). Returned to the pool when dropped.
    pub async fn conn(&self) -> sqlx::Result<Conn> {
        Ok(Conn(match self {
            Db::Sqlite(pool) => Inner::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Inner::Postgres(pool.acquire().await?),
        }))
    }

    /// Opens a transaction. On SQLite it starts with `BEGIN IMMEDIATE`, which takes the write
    /// lock up front (waiting up to the busy timeout): a deferred transaction that reads and
    /// then writes can fail with `SQLITE_BUSY` when another writer committed in between, and
    /// the transactions here write.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx(Conn(match self {
            Db::Sqlite(pool) => Inner::SqliteTx(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Inner::PostgresTx(pool.begin().await?),
        })))
    }
}
