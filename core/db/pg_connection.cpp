#include "db/pg_connection.h"

#include "db/db_error.h"

namespace ac::db {

namespace {

void collectNotice(void* arg, const PGresult* result)
{
    auto* notices = static_cast<QStringList*>(arg);
    notices->append(QString::fromUtf8(PQresultErrorMessage(result)).trimmed());
}

QString connectionMessage(PGconn* conn)
{
    return QString::fromUtf8(PQerrorMessage(conn)).trimmed();
}

} // namespace

CancelHandle::CancelHandle(PGconn* conn)
    : cancel_(conn ? PQgetCancel(conn) : nullptr, [](PGcancel* c) { if (c) PQfreeCancel(c); })
{
}

bool CancelHandle::cancel() const
{
    if (!cancel_)
        return false;
    char error[256];
    return PQcancel(cancel_.get(), error, sizeof error) == 1;
}

PgConnection::PgConnection(PGconn* conn)
    : conn_(conn, &PQfinish), notices_(std::make_unique<QStringList>())
{
    PQsetNoticeReceiver(conn_.get(), &collectNotice, notices_.get());
}

PgConnection PgConnection::open(const QString& conninfo, std::source_location where)
{
    QByteArray info = conninfo.toUtf8();
    PGconn* conn = PQconnectdb(info.constData());
    if (conn == nullptr)
        throw DbError(QStringLiteral("out of memory connecting to the database"), sqlstate::kConnectionFailure,
                      {}, where);
    if (PQstatus(conn) != CONNECTION_OK) {
        QString message = connectionMessage(conn);
        PQfinish(conn);
        throw DbError(QStringLiteral("could not connect to the database: %1").arg(message),
                      sqlstate::kConnectionFailure, {}, where);
    }
    return PgConnection(conn);
}

PgResult PgConnection::exec(const char* sql, const PgParams& params, std::source_location where)
{
    PGresult* result = PQexecParams(conn_.get(), sql, params.size(), nullptr, params.data(), nullptr, nullptr, 0);
    return check(result, QString::fromUtf8(sql), where);
}

PgResult PgConnection::exec(const QString& sql, const PgParams& params, std::source_location where)
{
    QByteArray utf8 = sql.toUtf8();
    return exec(utf8.constData(), params, where);
}

void PgConnection::execScript(const QString& sql, std::source_location where)
{
    QByteArray utf8 = sql.toUtf8();
    check(PQexec(conn_.get(), utf8.constData()), sql, where);
}

PgResult PgConnection::check(PGresult* raw, const QString& sql, std::source_location where)
{
    PgResult result(raw);
    const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN
        || status == PGRES_EMPTY_QUERY)
        return result;

    QString state = raw ? QString::fromUtf8(PQresultErrorField(raw, PG_DIAG_SQLSTATE)) : QString();
    QString message = raw ? QString::fromUtf8(PQresultErrorMessage(raw)).trimmed() : QString();
    if (message.isEmpty())
        message = connectionMessage(conn_.get());
    if (PQstatus(conn_.get()) == CONNECTION_BAD && !state.startsWith(QLatin1String("08"))
        && !state.startsWith(QLatin1String("57")))
        state = QString::fromLatin1(sqlstate::kConnectionFailure);
    throw DbError(message, state, sql, where);
}

bool PgConnection::isOk() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
bool PgConnection::inTransaction() const { return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE; }
int PgConnection::serverVersion() const { return PQserverVersion(conn_.get()); }
int PgConnection::backendPid() const { return PQbackendPID(conn_.get()); }
QString PgConnection::user() const { return QString::fromUtf8(PQuser(conn_.get())); }
QString PgConnection::database() const { return QString::fromUtf8(PQdb(conn_.get())); }
QString PgConnection::host() const { return QString::fromUtf8(PQhost(conn_.get())); }

QString PgConnection::describe() const
{
    return QStringLiteral("%1@%2").arg(database(), host());
}

QStringList PgConnection::takeNotices()
{
    QStringList out = std::move(*notices_);
    notices_->clear();
    return out;
}

Transaction::Transaction(PgConnection& conn, const char* begin) : conn_(conn) { conn_.exec(begin); }

Transaction::~Transaction()
{
    if (open_ && conn_.isOk()) {
        // A destructor must not throw; a failed ROLLBACK leaves nothing committed anyway.
        PQclear(PQexec(conn_.raw(), "ROLLBACK"));
    }
}

void Transaction::commit()
{
    conn_.exec("COMMIT");
    open_ = false;
}

} // namespace ac::db
