#pragma once

#include "agent/context_pack.h"
#include "agent/reply_draft.h"
#include "db/embedded_replica.h"
#include "retrieval/recall_probe.h"
#include "retrieval/retrieval_types.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace ac::ui {

// Where the console's data lives. Agents log in to the same server and database with their own role.
struct DatabaseInfo {
    QString ownerConninfo;
    QString agentConninfo;  // where agents log in when not beside the owner (the pooler); "" = ownerConninfo
    QString description;  // "embedded /var/lib/..." or "server db@host (...)"
    bool embedded = true;  // the embedded demo database: the login dialog may name demo accounts
    // Starts the embedded server this app owns again when it has died (blocking; any thread);
    // empty for a user's own server, which the console only reconnects to.
    std::function<void()> restartServer;
    QString replicaConninfo;  // a read replica for the agents' reads; audit, drafts and probes stay on agentConninfo
};

// One agent the login dialog offers.
struct AgentAccount {
    QString agentId;       // "u1"
    QString displayName;   // "Alice"
    QString kind;          // staff | contractor
    QString merchantId;    // "m01"
    QString merchantName;  // "Acme Co."
    QString dbRole;        // "agent_u1"
    QString demoPassword;  // only for the embedded demo database, from the fixtures

    QString label() const;  // "Alice (u1), Acme Co."
};

// Who is logged in on a worker's connection.
struct AgentSession {
    AgentAccount account;
    retrieval::AgentIdentity identity;
    QString databaseDescription;  // what the connection reached: "agent_console@/tmp/... as agent_u1"
};

// Everything one question produced: the context pack plus the developer's view of the query.
struct AskAnswer {
    QString message;
    agent::ContextPack pack;
    std::vector<retrieval::QueryPlan> plans;
    std::optional<QJsonObject> planJson;
    double roundTripMs = 0.0;  // as measured by the worker
    std::optional<retrieval::RecallHealth> recallHealth;  // the merchant's graph recall, last 24 h
    std::optional<db::ReplicationLag> replicationLag;     // when the answer was read from a replica
};

// A whole source, for the viewer.
struct SourceDocument {
    QString sourceType;  // document | ticket
    QString sourceId;
    QString title;
    QString body;        // full text (document) or the conversation (ticket)
    QStringList acl;
    QString status;      // tickets only
};

struct ServerVersions {
    QString qt;
    QString libpq;
    QString server;
    QString pgvector;
};

// A failed request, as the UI needs to react to it.
struct WorkerFailure {
    QString operation;   // "login", "ask", "source", ...
    QString message;
    QString sqlstate;
    bool canceled = false;
    bool connectionLost = false;
};

using AgentAccounts = std::vector<AgentAccount>;
using AskAnswerPtr = std::shared_ptr<const AskAnswer>;

} // namespace ac::ui

Q_DECLARE_METATYPE(ac::ui::AgentAccounts)
Q_DECLARE_METATYPE(ac::agent::ReplyDraft)
Q_DECLARE_METATYPE(ac::ui::AgentSession)
Q_DECLARE_METATYPE(ac::ui::AskAnswerPtr)
Q_DECLARE_METATYPE(ac::ui::SourceDocument)
Q_DECLARE_METATYPE(ac::ui::ServerVersions)
Q_DECLARE_METATYPE(ac::ui::WorkerFailure)
