#include "console_worker.h"

#include "agent_login.h"
#include "db/db_error.h"

#include <QElapsedTimer>
#include <QScopeGuard>

#include <algorithm>

namespace ac::ui {

namespace {

// AGENT_CONSOLE_RECALL_PROBE_RATE: 0 (off) to 1 (every graph answer); default one in ten.
double recallProbeRateFromEnvironment()
{
    bool ok = false;
    const double rate = qEnvironmentVariable("AGENT_CONSOLE_RECALL_PROBE_RATE").toDouble(&ok);
    return ok ? std::clamp(rate, 0.0, 1.0) : 0.1;
}

} // namespace

void CancelSlot::set(db::CancelHandle handle)
{
    std::lock_guard lock(mutex_);
    handle_ = std::move(handle);
}

void CancelSlot::clear()
{
    set(db::CancelHandle());
}

bool CancelSlot::cancel() const
{
    std::lock_guard lock(mutex_);
    return handle_.cancel();
}

ConsoleWorker::ConsoleWorker(DatabaseInfo database, BackendFactory factory, std::shared_ptr<CancelSlot> cancel,
                             std::shared_ptr<std::atomic<quint64>> latestAsk)
    : database_(std::move(database)), factory_(std::move(factory)), recallProbeRate_(recallProbeRateFromEnvironment()),
      cancel_(std::move(cancel)), latestAsk_(std::move(latestAsk))
{
}

ConsoleWorker::~ConsoleWorker()
{
    dropConnection();
}

template <typename Work>
void ConsoleWorker::run(quint64 token, const QString& operation, Work&& work)
{
    cancel_->setRunning(token);
    try {
        try {
            work();
        } catch (const db::DbError& error) {
            // A cancel aimed at the previous request can land just after this one started.
            if (!error.isQueryCanceled() || token <= cancel_->cancelUpTo() || !conn_ || !conn_->isOk())
                throw;
            work();
        }
    } catch (const db::DbError& error) {
        WorkerFailure failure{operation, error.message(), error.sqlstate(), error.isQueryCanceled(), false};
        // A refused or unreachable login leaves the current session as it was.
        failure.connectionLost = operation != QLatin1String("login")
            && (error.isConnectionFailure() || (conn_ && !conn_->isOk()));
        if (failure.connectionLost && session_) {
            dropConnection();
            lost_ = true;
            emit connectionLost(error.message());
            scheduleReconnect();
        }
        emit failed(token, failure);
    } catch (const std::exception& error) {
        emit failed(token, WorkerFailure{operation, QString::fromUtf8(error.what()), {}, false, false});
    }
    cancel_->setRunning(0);
    emit requestDone(token);
}

db::PgConnection& ConsoleWorker::connection()
{
    if (!session_)
        throw std::runtime_error("log in first");
    if (!conn_)
        connect();
    return *conn_;
}

void ConsoleWorker::connect()
{
    conn_.emplace(std::move(openAgentConnection(database_, session_->account, password_).conn));
    cancel_->set(conn_->cancelHandle());
    if (!backend_)
        backend_ = factory_();
    openSideSession();
    if (lost_) {
        lost_ = false;
        reconnectDelayMs_ = 500;
        emit reconnected();
    }
}

// Retrieval's lexical leg runs on a second session of the agent beside the vector leg. Without
// one (the server refused another connection) it runs after it on the first: slower, not wrong.
// With a read replica, the agent's reads run on a session there (and the side session joins it),
// while the first session, on the primary, takes the audit, drafts and probes.
void ConsoleWorker::openSideSession()
{
    if (!database_.replicaConninfo.isEmpty())
        replica_.emplace(std::move(openAgentConnection(database_, session_->account, password_, true).conn));
    try {
        side_.emplace(std::move(openAgentConnection(database_, session_->account, password_, replica_.has_value()).conn));
    } catch (const std::exception& error) {
        side_.reset();
        qWarning("retrieval runs on one session: %s", error.what());
    }
    backend_->useSideSession(side_ ? &*side_ : nullptr);
    backend_->useAuditSession(replica_ ? &*conn_ : nullptr);
}

void ConsoleWorker::dropConnection()
{
    cancel_->clear();
    if (backend_) {
        backend_->useSideSession(nullptr);
        backend_->useAuditSession(nullptr);
    }
    side_.reset();
    replica_.reset();
    conn_.reset();
}

void ConsoleWorker::scheduleReconnect()
{
    if (!reconnectTimer_) {
        reconnectTimer_ = new QTimer(this);
        reconnectTimer_->setSingleShot(true);
        QObject::connect(reconnectTimer_, &QTimer::timeout, this, &ConsoleWorker::tryReconnect);
    }
    reconnectTimer_->start(reconnectDelayMs_);
}

void ConsoleWorker::tryReconnect()
{
    if (conn_ || !session_)
        return;
    try {
        connect();
    } catch (const std::exception& error) {
        // The embedded server we own may be gone: start it again, a bounded number of times.
        if (database_.restartServer && restartAttempts_ < kMaxRestartAttempts) {
            ++restartAttempts_;
            emit serverRestarting(restartAttempts_, kMaxRestartAttempts);
            try {
                database_.restartServer();
                connect();
                restartAttempts_ = 0;
                return;
            } catch (const std::exception& restartError) {
                emit connectionLost(QString::fromUtf8(restartError.what()));
            }
        } else if (database_.restartServer) {
            emit connectionLost(QString::fromUtf8(error.what()));
        }
        reconnectDelayMs_ = std::min(reconnectDelayMs_ * 2, 10000);
        scheduleReconnect();
    }
}

void ConsoleWorker::listAgents(quint64 token)
{
    run(token, QStringLiteral("agents"), [&] {
        db::PgConnection owner = db::PgConnection::open(database_.ownerConninfo);
        emit agentsListed(token, listAgentAccounts(owner, database_.embedded));
    });
}

void ConsoleWorker::login(quint64 token, const AgentAccount& account, const QString& password)
{
    run(token, QStringLiteral("login"), [&] {
        AgentConnection login = openAgentConnection(database_, account, password);
        AgentSession session;
        session.account = account;
        session.identity = login.identity;
        session.databaseDescription = QStringLiteral("%1 as %2").arg(login.conn.describe(), login.conn.user());
        dropConnection();
        lost_ = false;
        conn_.emplace(std::move(login.conn));
        cancel_->set(conn_->cancelHandle());
        if (!backend_)
            backend_ = factory_();
        session_ = session;
        password_ = password;
        openSideSession();
        emit loggedIn(token, session);
    });
}

void ConsoleWorker::ask(quint64 token, const QString& message, const retrieval::RetrievalOptions& options)
{
    if (token < latestAsk_->load()) {
        emit requestDone(token);  // superseded before it started: nobody is waiting for it
        return;
    }
    run(token, QStringLiteral("ask"), [&] {
        db::PgConnection& conn = connection();
        db::PgConnection& reads = replica_ ? *replica_ : conn;
        QElapsedTimer clock;
        clock.start();
        std::shared_ptr<AskAnswer> answer;
        {  // Stop cancels the statement of the session that reads; afterwards, the primary's again
            cancel_->set(reads.cancelHandle());
            const auto restoreCancel = qScopeGuard([&] { cancel_->set(conn.cancelHandle()); });
            answer = std::make_shared<AskAnswer>(backend_->ask(reads, session_->identity, message, options));
        }
        answer->message = message;
        answer->roundTripMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        emit answered(token, answer);
        if (recallProbeRate_ > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < recallProbeRate_) {
            try {  // after the answer is shown; a probe that fails or is stopped costs the agent nothing
                backend_->probeRecall(conn, {session_->identity, message, options}, answer->pack.retrieval);
            } catch (const std::exception& error) {
                qWarning("recall probe skipped: %s", error.what());
            }
        }
    });
}

void ConsoleWorker::loadSource(quint64 token, const QString& sourceType, const QString& sourceId)
{
    run(token, QStringLiteral("source"), [&] {
        db::PgConnection& conn = connection();
        emit sourceLoaded(token, backend_->loadSource(conn, session_->identity, sourceType, sourceId));
    });
}

void ConsoleWorker::draft(quint64 token, const AskAnswerPtr& answer, const std::shared_ptr<std::atomic<bool>>& stop)
{
    if (stop->load()) {
        emit requestDone(token);
        return;
    }
    run(token, QStringLiteral("draft"), [&] {
        db::PgConnection& conn = connection();
        const auto onDelta = [this, token](const QString& piece) { emit draftDelta(token, piece); };
        emit drafted(token, backend_->draft(conn, answer->pack, onDelta, stop.get()));
    });
}

void ConsoleWorker::fetchVersions(quint64 token)
{
    run(token, QStringLiteral("versions"), [&] {
        db::PgConnection& conn = connection();
        emit versionsLoaded(token, backend_->versions(conn));
    });
}

void ConsoleWorker::shutdown()
{
    if (reconnectTimer_)
        reconnectTimer_->stop();
    dropConnection();
    backend_.reset();
}

} // namespace ac::ui
