#pragma once

#include "load_agents.h"

#include "retrieval/retrieval_types.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace ac::loadtest {

// Work run once beside the load (an online graph rebuild, an ingest): its window is reported with
// the latency of the packs that started inside it.
struct BackgroundTask {
    QString name;
    double startAfterSeconds = 0;
    std::function<QString()> run;  // returns a one-line summary; an exception is reported, not fatal
};

struct LoadTestOptions {
    int clients = 10;             // concurrent simulated agents, one connection each
    int durationSeconds = 30;
    QString agentConninfo;        // where agents log in (a pooler, or the server); its user is replaced
    QString auditConninfo;        // when agentConninfo is a read-only replica: the primary, for the audit
    // The owner: a chunk outside an agent's readable set as provisioned (one ingested during the
    // run) is checked against its merchant and ACL there. Empty: every such chunk is a violation.
    QString ownerConninfo;
    retrieval::RetrievalOptions retrieval;
    quint64 seed = 20261203;
    std::optional<BackgroundTask> background;
};

// Stated service levels the report is judged against (seed 003: p95 < 700 ms end to end for a
// short single turn, p95 < 1500 ms with rerank; no errors; no row an agent may not read).
struct ServiceLevels {
    double p95Ms = 700;
    double p99Ms = 1500;
};

struct Percentiles {
    double p50 = 0, p95 = 0, p99 = 0, max = 0;
    qint64 count = 0;
};

struct LoadSample {
    double atSeconds = 0;   // since the start of the run
    double totalMs = 0;     // the whole context pack, as the console asks for it
    bool failed = false;
};

struct BackgroundWindow {
    QString name;
    double startedAt = 0, endedAt = 0;  // seconds since the start of the run
    QString summary;
    QString error;
    Percentiles total;   // packs started inside the window
    qint64 errors = 0;   // failed packs started inside the window
};

struct LoadTestReport {
    int clients = 0;
    double seconds = 0;
    qint64 queries = 0;
    qint64 errors = 0;
    qint64 identityViolations = 0;  // a row outside the agent's readable set, or another identity
    qint64 staffQueries = 0, contractorQueries = 0;
    double qps = 0;
    std::map<QString, Percentiles> stages;  // "total", "embed", "vector", "lexical", ...
    std::vector<LoadSample> samples;
    std::optional<BackgroundWindow> background;
    QStringList firstErrors;
    ServiceLevels slo;
    bool meetsSlo() const;
    QString text() const;
    QJsonObject json() const;
};

using LoadProgress = std::function<void(double elapsedSeconds, qint64 queries, qint64 errors)>;

// Runs options.clients threads for options.durationSeconds, each logged in as one of `agents`
// (client i as agent i mod n) and building context packs for its merchant's ticket messages
// back to back. Every answer is checked against the agent's readable set.
LoadTestReport runLoadTest(const std::vector<LoadAgent>& agents, const LoadTestOptions& options,
                           const ServiceLevels& slo = {}, const LoadProgress& progress = {});

Percentiles percentiles(std::vector<double> values);

} // namespace ac::loadtest
