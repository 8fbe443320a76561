//! [`Conn`] and [`Tx`]: a connection taken from the pool, or an open transaction, on either
//! backend. Storage functions take `&mut Conn`, so the same function runs alone on a pooled
//! connection or as one step of a use case's transaction (a `&mut Tx` is a `&mut Conn`).
//! SQLite's writers take their turn in the database file's write queue ([`WriteQueue`]).

use crate::db::{Db, DbKind, SQLITE_BUSY_TIMEOUT};
use sqlx::pool::PoolConnection;
use sqlx::{
    PgConnection, Postgres, SqlSafeStr as _, Sqlite, SqliteConnection, SqlitePool, Transaction,
};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A connection to the configured database: from the pool ([`Db::conn`]), or the connection
/// of a transaction ([`Db::begin`]).
#[derive(Debug)]
pub struct Conn(Inner);

#[derive(Debug)]
enum Inner {
    /// With its file's write queue, for the statements that write outside a transaction.
    Sqlite(PoolConnection<Sqlite>, WriteQueue),
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
            Inner::Sqlite(..) | Inner::SqliteTx(_) => DbKind::Sqlite,
            Inner::Postgres(_) | Inner::PostgresTx(_) => DbKind::Postgres,
        }
    }

    /// Whether this connection is a transaction's ([`Db::begin`]): statements that must
    /// commit together with others (the audit row with its change) check it.
    pub fn in_transaction(&self) -> bool {
        matches!(&self.0, Inner::SqliteTx(_) | Inner::PostgresTx(_))
    }

    /// The turn a statement that `writes` must wait for on this connection: on a pooled SQLite
    /// connection (a write outside a transaction is a transaction of its own), the file's
    /// write queue; nothing in a transaction (it holds the turn already) or on PostgreSQL.
    pub(crate) async fn turn(&self, writes: bool) -> sqlx::Result<Option<OwnedSemaphorePermit>> {
        match &self.0 {
            Inner::Sqlite(_, queue) if writes => queue.turn().await.map(Some),
            _ => Ok(None),
        }
    }

    pub(crate) fn raw(&mut self) -> Raw<'_> {
        match &mut self.0 {
            Inner::Sqlite(c, _) => Raw::Sqlite(c),
            Inner::Postgres(c) => Raw::Postgres(c),
            Inner::SqliteTx(c) => Raw::Sqlite(c),
            Inner::PostgresTx(c) => Raw::Postgres(c),
        }
    }
}

/// An open transaction: every statement run on it commits together at [`Tx::commit`], or not
/// at all (dropping it rolls back). On SQLite it holds its turn in the write queue until then.
#[derive(Debug)]
pub struct Tx(Conn, Option<OwnedSemaphorePermit>);

impl Tx {
    /// Commits every statement of the transaction, then lets the next writer in.
    pub async fn commit(self) -> sqlx::Result<()> {
        let Tx(conn, _turn) = self;
        match conn.0 {
            Inner::SqliteTx(tx) => tx.commit().await,
            Inner::PostgresTx(tx) => tx.commit().await,
            // `Db::begin` makes only transactions.
            Inner::Sqlite(..) | Inner::Postgres(_) => Ok(()),
        }
    }
}

/// The queue of one SQLite file's writers in this process. SQLite lets one writer at a time
/// in; the others wait in its busy handler, which polls with sleeps growing to 100 ms, so the
/// lock lay free while its waiters slept, and under load a write waited far longer than it ran
/// (the order bench: the mock gateway's one-row insert took 10.7 ms on average, up to 1.3 s,
/// its work 0.03 ms). Queued here, first come first served, each writer goes in the moment the
/// one before is done. `BEGIN IMMEDIATE` still takes SQLite's own lock, against other
/// processes (the CLI, a backup). A turn waits at most the busy timeout, as SQLite's lock did:
/// then `PoolTimedOut`, a 503 worth a retry.
#[derive(Debug, Clone)]
pub(crate) struct WriteQueue(Arc<Semaphore>);

/// Every queue, by the database file it guards: two pools of one file share it.
static WRITE_QUEUES: LazyLock<Mutex<HashMap<PathBuf, WriteQueue>>> = LazyLock::new(Mutex::default);

impl WriteQueue {
    /// The queue of the file `pool` opens.
    fn of(pool: &SqlitePool) -> WriteQueue {
        let file = pool.connect_options().get_filename().to_owned();
        let mut queues = WRITE_QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
        queues
            .entry(file)
            .or_insert_with(|| WriteQueue(Arc::new(Semaphore::new(1))))
            .clone()
    }

    /// Waits for this writer's turn; it ends when the permit is dropped.
    async fn turn(&self) -> sqlx::Result<OwnedSemaphorePermit> {
        match tokio::time::timeout(SQLITE_BUSY_TIMEOUT, self.0.clone().acquire_owned()).await {
            Ok(Ok(turn)) => Ok(turn),
            // The semaphore is never closed; a turn not given in time is a busy database.
            Ok(Err(_)) | Err(_) => Err(sqlx::Error::PoolTimedOut),
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
            Db::Sqlite(pool) => Inner::Sqlite(pool.acquire().await?, WriteQueue::of(pool)),
            Db::Postgres(pool) => Inner::Postgres(pool.acquire().await?),
        }))
    }

    /// Opens a transaction. On SQLite it takes a connection, waits for its turn in the file's
    /// write queue, then starts with `BEGIN IMMEDIATE`, which takes the write lock up front: a
    /// deferred transaction that reads and then writes can fail with `SQLITE_BUSY` when
    /// another writer committed in between, and the transactions here write. The connection
    /// comes first, as it did while writers waited in SQLite's busy handler: the writer whose
    /// turn it is never waits for a connection that a writer behind it holds.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        match self {
            Db::Sqlite(pool) => {
                let conn = pool.acquire().await?;
                let turn = WriteQueue::of(pool).turn().await?;
                let tx = Transaction::begin(conn, Some("BEGIN IMMEDIATE".into_sql_str())).await?;
                Ok(Tx(Conn(Inner::SqliteTx(tx)), Some(turn)))
            }
            Db::Postgres(pool) => Ok(Tx(Conn(Inner::PostgresTx(pool.begin().await?)), None)),
        }
    }
}
