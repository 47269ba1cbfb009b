#include "load_test.h"

#include "agent/context_pack_builder.h"
#include "security/agent_session.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace ac::loadtest {

namespace {

constexpr int kMaxErrorsKept = 5;

struct ClientLog {
    std::vector<LoadSample> samples;
    std::map<QString, std::vector<double>> stages;
    qint64 violations = 0;
    qint64 staff = 0, contractor = 0;
    QStringList errors;
};

security::AgentSession loginAs(const LoadAgent& agent, const QString& conninfo)
{
    security::AgentLogin login;
    login.agent = agent.role;
    login.password = agent.password;
    return security::openAgentSession(conninfo, login);
}

constexpr const char* kReadableNow =
    "SELECT count(*) FROM chunks WHERE id = $1 AND merchant_id = $2 AND acl && $3::text[]";

// Chunks written after the agents were provisioned, asked of the owner (rarely: once per new chunk
// an answer cites), one client at a time.
class LateChunkCheck {
public:
    explicit LateChunkCheck(const QString& ownerConninfo)
    {
        if (!ownerConninfo.isEmpty())
            owner_.emplace(db::PgConnection::open(ownerConninfo));
    }
    bool readable(const LoadAgent& agent, qint64 chunkId)
    {
        if (!owner_)
            return false;
        const std::lock_guard lock(mutex_);
        return owner_->exec(kReadableNow, db::PgParams().add(chunkId).add(agent.merchantId).addTextArray(agent.aclTokens))
                   .integer(0, 0) == 1;
    }

private:
    std::mutex mutex_;
    std::optional<db::PgConnection> owner_;
};

qint64 violationsIn(const agent::ContextPack& pack, const LoadAgent& agent, LateChunkCheck& late)
{
    qint64 bad = pack.agent.agentId == agent.agentId && pack.agent.merchantId == agent.merchantId ? 0 : 1;
    for (const retrieval::RetrievedChunk& chunk : pack.chunks)
        if (!agent.readableChunks.contains(chunk.chunkId) && !late.readable(agent, chunk.chunkId))
            ++bad;
    return bad;
}

void runClient(const LoadAgent& agent, const LoadTestOptions& options, int index, const QElapsedTimer& clock,
               qint64 deadlineMs, ClientLog& log, std::atomic<qint64>& queries, std::atomic<qint64>& errors,
               LateChunkCheck& late)
{
    std::mt19937_64 rng(options.seed + static_cast<quint64>(index));
    std::optional<security::AgentSession> session, audit;
    while (clock.elapsed() < deadlineMs) {
        const double startedAt = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        QElapsedTimer timer;
        timer.start();
        try {
            if (!session)
                session.emplace(loginAs(agent, options.agentConninfo));
            if (!audit && !options.auditConninfo.isEmpty())
                audit.emplace(loginAs(agent, options.auditConninfo));
            timer.restart();
            const QString& message = agent.messages.at(static_cast<qsizetype>(rng() % static_cast<quint64>(agent.messages.size())));
            agent::ContextPackBuilder builder(session->connection);
            if (audit)
                builder.setAuditSession(&audit->connection);
            const agent::ContextPack pack = builder.build(session->identity, message, options.retrieval);
            const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
            log.samples.push_back({startedAt, ms, false});
            log.stages[QStringLiteral("total")].push_back(ms);
            for (const retrieval::StageTiming& t : pack.retrieval.timings)
                log.stages[t.stage].push_back(t.ms);
            for (const retrieval::StageTiming& t : pack.timings)
                if (t.stage != QLatin1String("retrieve"))
                    log.stages[t.stage].push_back(t.ms);
            log.violations += violationsIn(pack, agent, late);
            (agent.kind == QLatin1String("contractor") ? log.contractor : log.staff) += 1;
            ++queries;
        } catch (const std::exception& error) {
            log.samples.push_back({startedAt, static_cast<double>(timer.nsecsElapsed()) / 1e6, true});
            if (log.errors.size() < kMaxErrorsKept)
                log.errors << QStringLiteral("%1: %2").arg(agent.agentId, QString::fromUtf8(error.what()));
            ++errors;
            session.reset();  // a dropped connection is opened again on the next turn
            audit.reset();
            QThread::msleep(50);
        }
    }
}

QJsonObject percentilesJson(const Percentiles& p)
{
    return {{QStringLiteral("p50_ms"), p.p50}, {QStringLiteral("p95_ms"), p.p95}, {QStringLiteral("p99_ms"), p.p99},
            {QStringLiteral("max_ms"), p.max}, {QStringLiteral("count"), p.count}};
}

} // namespace

Percentiles percentiles(std::vector<double> values)
{
    Percentiles p;
    p.count = static_cast<qint64>(values.size());
    if (values.empty())
        return p;
    std::sort(values.begin(), values.end());
    auto rank = [&](double q) {  // nearest rank
        const auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
        return values[std::clamp<size_t>(i, 1, values.size()) - 1];
    };
    p.p50 = rank(0.50);
    p.p95 = rank(0.95);
    p.p99 = rank(0.99);
    p.max = values.back();
    return p;
}

LoadTestReport runLoadTest(const std::vector<LoadAgent>& agents, const LoadTestOptions& options, const ServiceLevels& slo,
                           const LoadProgress& progress)
{
    if (agents.empty())
        throw std::runtime_error("a load test needs at least one load agent");
    std::vector<ClientLog> logs(static_cast<size_t>(options.clients));
    std::atomic<qint64> queries{0}, errors{0};
    QElapsedTimer clock;
    LateChunkCheck late(options.ownerConninfo);
    clock.start();
    const qint64 deadlineMs = static_cast<qint64>(options.durationSeconds) * 1000;
    std::optional<BackgroundWindow> window;
    std::thread background;
    if (options.background) {
        window.emplace();
        window->name = options.background->name;
        background = std::thread([&clock, &window, task = *options.background] {
            const auto delayMs = static_cast<qint64>(task.startAfterSeconds * 1000);
            while (clock.elapsed() < delayMs)
                QThread::msleep(20);
            window->startedAt = static_cast<double>(clock.nsecsElapsed()) / 1e9;
            try {
                window->summary = task.run();
            } catch (const std::exception& error) {
                window->error = QString::fromUtf8(error.what());
            }
            window->endedAt = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        });
    }
    std::vector<std::thread> clients;
    for (int i = 0; i < options.clients; ++i)
        clients.emplace_back(runClient, std::cref(agents[static_cast<size_t>(i) % agents.size()]), std::cref(options), i,
                             std::cref(clock), deadlineMs, std::ref(logs[static_cast<size_t>(i)]), std::ref(queries),
                             std::ref(errors), std::ref(late));
    while (clock.elapsed() < deadlineMs) {
        QThread::msleep(static_cast<unsigned long>(std::min<qint64>(1000, deadlineMs - clock.elapsed() + 1)));
        if (progress)
            progress(static_cast<double>(clock.elapsed()) / 1000, queries.load(), errors.load());
    }
    for (std::thread& t : clients)
        t.join();
    if (background.joinable())
        background.join();

    LoadTestReport report;
    report.clients = options.clients;
    report.seconds = static_cast<double>(clock.elapsed()) / 1000;
    report.queries = queries.load();
    report.errors = errors.load();
    report.slo = slo;
    std::map<QString, std::vector<double>> stages;
    for (ClientLog& log : logs) {
        report.identityViolations += log.violations;
        report.staffQueries += log.staff;
        report.contractorQueries += log.contractor;
        report.samples.insert(report.samples.end(), log.samples.begin(), log.samples.end());
        for (auto& [stage, values] : log.stages)
            stages[stage].insert(stages[stage].end(), values.begin(), values.end());
        for (const QString& e : log.errors)
            if (report.firstErrors.size() < kMaxErrorsKept)
                report.firstErrors << e;
    }
    std::sort(report.samples.begin(), report.samples.end(),
              [](const LoadSample& a, const LoadSample& b) { return a.atSeconds < b.atSeconds; });
    for (auto& [stage, values] : stages)
        report.stages[stage] = percentiles(std::move(values));
    if (window) {
        std::vector<double> inside;
        for (const LoadSample& sample : report.samples)
            if (sample.atSeconds >= window->startedAt && sample.atSeconds <= window->endedAt) {
                if (sample.failed)
                    ++window->errors;
                else
                    inside.push_back(sample.totalMs);
            }
        window->total = percentiles(std::move(inside));
        report.background = std::move(window);
    }
    report.qps = report.seconds > 0 ? static_cast<double>(report.queries) / report.seconds : 0;
    return report;
}

bool LoadTestReport::meetsSlo() const
{
    const auto total = stages.find(QStringLiteral("total"));
    return errors == 0 && identityViolations == 0 && queries > 0 && total != stages.end() && total->second.p95 <= slo.p95Ms
        && total->second.p99 <= slo.p99Ms && (!background || background->error.isEmpty());
}

QString LoadTestReport::text() const
{
    QString out = QStringLiteral("load test: %1 clients, %2 s, %3 context packs (%4 staff, %5 contractor), %6 QPS\n")
                      .arg(clients)
                      .arg(seconds, 0, 'f', 1)
                      .arg(queries)
                      .arg(staffQueries)
                      .arg(contractorQueries)
                      .arg(qps, 0, 'f', 1);
    out += QStringLiteral("errors: %1   identity violations: %2\n").arg(errors).arg(identityViolations);
    out += QStringLiteral("%1 %2 %3 %4 %5\n")
               .arg(QStringLiteral("stage"), -10)
               .arg(QStringLiteral("p50 ms"), 9)
               .arg(QStringLiteral("p95 ms"), 9)
               .arg(QStringLiteral("p99 ms"), 9)
               .arg(QStringLiteral("max ms"), 9);
    for (const auto& [stage, p] : stages)
        out += QStringLiteral("%1 %2 %3 %4 %5\n")
                   .arg(stage, -10)
                   .arg(p.p50, 9, 'f', 2)
                   .arg(p.p95, 9, 'f', 2)
                   .arg(p.p99, 9, 'f', 2)
                   .arg(p.max, 9, 'f', 2);
    out += QStringLiteral("SLO (total p95 <= %1 ms, p99 <= %2 ms, 0 errors, 0 violations): %3\n")
               .arg(slo.p95Ms)
               .arg(slo.p99Ms)
               .arg(meetsSlo() ? QStringLiteral("met") : QStringLiteral("MISSED"));
    if (background) {
        const BackgroundWindow& b = *background;
        out += QStringLiteral("during %1 (%2-%3 s): %4 packs, p50 %5 / p95 %6 / p99 %7 ms, %8 errors; %9\n")
                   .arg(b.name)
                   .arg(b.startedAt, 0, 'f', 1)
                   .arg(b.endedAt, 0, 'f', 1)
                   .arg(b.total.count)
                   .arg(b.total.p50, 0, 'f', 2)
                   .arg(b.total.p95, 0, 'f', 2)
                   .arg(b.total.p99, 0, 'f', 2)
                   .arg(b.errors)
                   .arg(b.error.isEmpty() ? b.summary : QStringLiteral("FAILED: ") + b.error);
    }
    for (const QString& e : firstErrors)
        out += QStringLiteral("error: %1\n").arg(e);
    return out;
}

QJsonObject LoadTestReport::json() const
{
    QJsonObject stageJson;
    for (const auto& [stage, p] : stages)
        stageJson.insert(stage, percentilesJson(p));
    QJsonArray errorsJson;
    for (const QString& e : firstErrors)
        errorsJson.append(e);
    QJsonObject json{{QStringLiteral("clients"), clients},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("queries"), queries},
            {QStringLiteral("staff_queries"), staffQueries},
            {QStringLiteral("contractor_queries"), contractorQueries},
            {QStringLiteral("qps"), qps},
            {QStringLiteral("errors"), errors},
            {QStringLiteral("identity_violations"), identityViolations},
            {QStringLiteral("stages"), stageJson},
            {QStringLiteral("slo"), QJsonObject{{QStringLiteral("p95_ms"), slo.p95Ms}, {QStringLiteral("p99_ms"), slo.p99Ms},
                                                {QStringLiteral("met"), meetsSlo()}}},
            {QStringLiteral("first_errors"), errorsJson}};
    if (background)
        json.insert(QStringLiteral("background"),
                    QJsonObject{{QStringLiteral("name"), background->name},
                                {QStringLiteral("started_at_s"), background->startedAt},
                                {QStringLiteral("ended_at_s"), background->endedAt},
                                {QStringLiteral("summary"), background->summary},
                                {QStringLiteral("error"), background->error},
                                {QStringLiteral("errors"), background->errors},
                                {QStringLiteral("total"), percentilesJson(background->total)}});
    return json;
}

} // namespace ac::loadtest
