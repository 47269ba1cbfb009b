#include "eval/eval_environment.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QThread>

namespace ac::eval {
namespace {

// The tenants' graphs (one per partition and dimension count, migration 016), one row per distinct
// definition; ACL graphs left out.
constexpr const char* kHnswIndexes = R"(
SELECT min(c.relname::text), coalesce(array_to_string(c.reloptions, ','), '') AS options,
       regexp_replace(pg_get_indexdef(c.oid), '^CREATE INDEX \S+ ON \S+ ', '') AS definition
FROM pg_inherits inh
JOIN pg_index i ON i.indrelid = inh.inhrelid
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
WHERE inh.inhparent = 'public.chunks'::regclass AND a.amname = 'hnsw'
  AND pg_get_expr(i.indpred, i.indrelid) NOT LIKE '%acl%'
GROUP BY 2, 3
ORDER BY 1)";

constexpr const char* kVersions = R"(
SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector'), current_setting('server_version'))";

} // namespace

QJsonObject describeIndexes(db::PgConnection& conn)
{
    QJsonArray indexes;
    const db::PgResult r = conn.exec(kHnswIndexes);
    for (int i = 0; i < r.rows(); ++i) {
        QJsonObject index{{QStringLiteral("name"), r.text(i, 0)}, {QStringLiteral("definition"), r.text(i, 2)}};
        // pgvector's defaults apply to options the definition leaves out.
        index.insert(QStringLiteral("m"), 16);
        index.insert(QStringLiteral("ef_construction"), 64);
        for (const QString& option : r.text(i, 1).split(QLatin1Char(','), Qt::SkipEmptyParts))
            index.insert(option.section(QLatin1Char('='), 0, 0), option.section(QLatin1Char('='), 1).toInt());
        indexes.append(index);
    }
    const db::PgResult versions = conn.exec(kVersions);
    return {{QStringLiteral("indexes"), indexes},
            {QStringLiteral("pgvector"), versions.text(0, 0)},
            {QStringLiteral("postgres"), versions.text(0, 1)}};
}

QJsonObject describeHost()
{
    QString model;
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (cpuinfo.open(QIODevice::ReadOnly)) {
        static const QRegularExpression modelLine(QStringLiteral("^model name\\s*:\\s*(.+)$"), QRegularExpression::MultilineOption);
        model = modelLine.match(QString::fromUtf8(cpuinfo.readAll())).captured(1).trimmed();
    }
    return {{QStringLiteral("cpus"), QThread::idealThreadCount()}, {QStringLiteral("cpu_model"), model}};
}

} // namespace ac::eval
