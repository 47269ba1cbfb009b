#include "eval/run_store.h"

#include "eval/eval_error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace ac::eval {
namespace {

constexpr const char* kInsertRun = R"(
INSERT INTO eval_runs (id, started_at, dataset_name, dataset_hash, embedding_provider, embedding_model,
                       embedding_dims, chunker_version, run)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb))";

constexpr const char* kSelectRun = "SELECT run::text FROM eval_runs WHERE id = $1";

QJsonObject parseObject(const QByteArray& bytes, const QString& origin)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw EvalError(QStringLiteral("%1: not a JSON object (%2)").arg(origin, error.errorString()));
    return doc.object();
}

} // namespace

QString RunStore::filePath(const QString& runId) const
{
    return QDir(directory_).filePath(runId + QStringLiteral(".json"));
}

QString RunStore::writeFile(const EvalRun& run) const
{
    if (!QDir().mkpath(directory_))
        throw EvalError(QStringLiteral("cannot create the run log folder %1").arg(directory_));
    const QString path = filePath(run.id);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw EvalError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(run.toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        throw EvalError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return path;
}

void RunStore::insert(db::PgConnection& conn, const EvalRun& run)
{
    const QJsonObject embedding = run.config.value(QStringLiteral("embedding")).toObject();
    const QJsonObject chunker = run.config.value(QStringLiteral("chunker")).toObject();
    conn.exec(kInsertRun, db::PgParams()
                              .add(run.id)
                              .add(run.startedAt.toUTC().toString(Qt::ISODateWithMs))
                              .add(run.datasetName)
                              .add(run.datasetHash)
                              .add(embedding.value(QStringLiteral("provider")).toString())
                              .add(embedding.value(QStringLiteral("model")).toString())
                              .add(embedding.value(QStringLiteral("dims")).toInt())
                              .add(chunker.value(QStringLiteral("version")).toString())
                              .addBytes(QJsonDocument(run.toJson()).toJson(QJsonDocument::Compact)));
}

EvalRun RunStore::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw EvalError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    try {
        return EvalRun::fromJson(parseObject(file.readAll(), path));
    } catch (const EvalError& error) {
        throw EvalError(QStringLiteral("%1: %2").arg(path, QString::fromUtf8(error.what())));
    }
}

EvalRun RunStore::load(const QString& pathOrId, db::PgConnection* conn) const
{
    if (QFileInfo(pathOrId).isFile())
        return readFile(pathOrId);
    if (QFileInfo(filePath(pathOrId)).isFile())
        return readFile(filePath(pathOrId));
    if (conn) {
        const db::PgResult result = conn->exec(kSelectRun, db::PgParams().add(pathOrId));
        if (!result.empty())
            return EvalRun::fromJson(parseObject(result.bytes(0, 0), QStringLiteral("eval_runs ") + pathOrId));
    }
    throw EvalError(QStringLiteral("no eval run \"%1\": not a file, not in %2%3")
                        .arg(pathOrId, directory_, conn ? QStringLiteral(", not in eval_runs") : QString()));
}

} // namespace ac::eval
