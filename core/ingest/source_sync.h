#pragma once

#include "db/pg_connection.h"
#include "ingest/prepared_source.h"

#include <QStringList>

namespace ac::ingest {

// A sync load treats the source as the truth: the merchant's documents (or tickets) it does not
// name are deleted, their chunks (and a ticket's messages) with them, in the load's last
// transaction. What would go is listed first, and a load that would delete everything, or more
// than maxDeleteFraction of what is there, is refused unless allowed: an empty or truncated source
// must not wipe a merchant.
struct SyncPlan {
    SourceKind kind = SourceKind::Document;
    QStringList keep;         // every source id the load has
    QStringList vanished;     // stored, not in the load: deleted at its end
    int stored = 0;           // sources of this kind the merchant has now
};

struct SyncGuard {
    double maxDeleteFraction = 0.5;
    bool allowMassDelete = false;
};

SyncPlan planSync(db::PgConnection& conn, const QString& merchantId, SourceKind kind, const QStringList& keep);

// Throws IngestError naming the numbers and the flag when the plan deletes too much.
void checkSyncGuard(const SyncPlan& plan, const SyncGuard& guard);

// Inside the caller's transaction: deletes the stored sources of plan.kind not in plan.keep (the
// set as it is now, not as planned); returns how many went.
int deleteVanishedSources(db::PgConnection& conn, const QString& merchantId, const SyncPlan& plan);

} // namespace ac::ingest
