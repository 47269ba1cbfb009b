#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <vector>

namespace ac::loadtest {

// A throwaway agent for one load test: a copy of a real agent's kind and ACL tokens under its own
// database role and a random password that lives only in this process.
struct LoadAgent {
    QString agentId;      // "loadtest-m01-1"
    QString role;         // "ac_loadtest_m01_1"
    QString password;
    QString merchantId;
    QString kind;         // staff | contractor
    QStringList aclTokens;
    QSet<qint64> readableChunks;  // what the owner says this agent may read: the identity check
    QStringList messages;         // what its simulated customers write (the merchant's tickets)
};

// For each merchant, `perMerchant` load agents cycling through its real agents' profiles (so
// contractors are in the mix wherever the merchant has them). Removes leftovers of an earlier,
// killed run first. Needs an owner connection that may create roles.
std::vector<LoadAgent> provisionLoadAgents(db::PgConnection& owner, const QStringList& merchants, int perMerchant);

// Drops every load agent (rows and roles), from this run or a killed one.
void removeLoadAgents(db::PgConnection& owner);

} // namespace ac::loadtest
