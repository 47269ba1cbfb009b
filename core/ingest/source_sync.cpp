#include "ingest/source_sync.h"

#include "ingest/ingest_error.h"

#include <QSet>

namespace ac::ingest {

namespace {

constexpr const char* kStoredDocuments =
    "SELECT id FROM support_documents WHERE merchant_id = $1 ORDER BY id";
constexpr const char* kStoredTickets = "SELECT id FROM tickets WHERE merchant_id = $1 ORDER BY id";
constexpr const char* kDeleteVanishedDocuments =
    "DELETE FROM support_documents WHERE merchant_id = $1 AND NOT (id = ANY ($2::text[]))";
constexpr const char* kDeleteVanishedTickets =
    "DELETE FROM tickets WHERE merchant_id = $1 AND NOT (id = ANY ($2::text[]))";

} // namespace

SyncPlan planSync(db::PgConnection& conn, const QString& merchantId, SourceKind kind, const QStringList& keep)
{
    SyncPlan plan;
    plan.kind = kind;
    plan.keep = keep;
    const QSet<QString> present(keep.begin(), keep.end());
    const db::PgResult stored = conn.exec(kind == SourceKind::Document ? kStoredDocuments : kStoredTickets,
                                          db::PgParams().add(merchantId));
    plan.stored = stored.rows();
    for (int i = 0; i < stored.rows(); ++i)
        if (!present.contains(stored.text(i, 0)))
            plan.vanished << stored.text(i, 0);
    return plan;
}

void checkSyncGuard(const SyncPlan& plan, const SyncGuard& guard)
{
    if (guard.allowMassDelete || plan.vanished.isEmpty())
        return;
    const QString noun = plan.kind == SourceKind::Document ? QStringLiteral("documents") : QStringLiteral("tickets");
    if (plan.keep.isEmpty())
        throw IngestError(QStringLiteral("the source has no %1, so a sync would delete all %2 stored ones; refused "
                                         "(pass --allow-mass-delete if that is really meant)").arg(noun).arg(plan.stored));
    if (plan.vanished.size() > guard.maxDeleteFraction * plan.stored)
        throw IngestError(QStringLiteral("a sync would delete %1 of the %2 stored %3 (more than %4 %); is the source "
                                         "complete? Refused: check with --dry-run, or pass --allow-mass-delete")
                              .arg(plan.vanished.size()).arg(plan.stored).arg(noun).arg(guard.maxDeleteFraction * 100));
}

int deleteVanishedSources(db::PgConnection& conn, const QString& merchantId, const SyncPlan& plan)
{
    return static_cast<int>(conn.exec(plan.kind == SourceKind::Document ? kDeleteVanishedDocuments : kDeleteVanishedTickets,
                                      db::PgParams().add(merchantId).addTextArray(plan.keep))
                                .affectedRows());
}

} // namespace ac::ingest
