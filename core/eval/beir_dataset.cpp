#include "eval/beir_dataset.h"

#include "eval/eval_error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>

namespace ac::eval {
namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw EvalError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

// Calls fn(object, lineNumber) for every non-blank line of a JSON-lines file.
template <typename Fn>
void forEachJsonLine(const QByteArray& bytes, const QString& path, Fn fn)
{
    int lineNo = 0;
    for (const QByteArray& line : bytes.split('\n')) {
        ++lineNo;
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            throw EvalError(QStringLiteral("%1:%2: not a JSON object (%3)").arg(path).arg(lineNo).arg(error.errorString()));
        fn(doc.object(), lineNo);
    }
}

QString requiredString(const QJsonObject& object, const char* key, const QString& path, int lineNo)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isString() && !value.toString().isEmpty())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toInteger());
    throw EvalError(QStringLiteral("%1:%2: missing \"%3\"").arg(path).arg(lineNo).arg(QLatin1String(key)));
}

struct QrelsRow {
    QString query;
    QString document;
    int score = 0;
    int line = 0;
};

std::vector<QrelsRow> parseQrels(const QByteArray& bytes, const QString& path)
{
    std::vector<QrelsRow> rows;
    int lineNo = 0;
    for (const QByteArray& raw : bytes.split('\n')) {
        ++lineNo;
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> fields = line.split('\t');
        if (lineNo == 1 && fields.value(0) == "query-id")
            continue;
        bool ok = fields.size() == 3;
        const int score = ok ? fields[2].toInt(&ok) : 0;
        if (!ok)
            throw EvalError(QStringLiteral("%1:%2: expected query-id<TAB>corpus-id<TAB>score").arg(path).arg(lineNo));
        if (score > 0)
            rows.push_back({QString::fromUtf8(fields[0]), QString::fromUtf8(fields[1]), score, lineNo});
    }
    return rows;
}

// Rows naming a query or document the set does not have: an error at the first (file:line), or,
// when allowed, dropped and counted in a warning.
Qrels checkedQrels(const std::vector<QrelsRow>& rows, const QHash<QString, int>& documents,
                   const QSet<QString>& queries, const QString& path, const BeirLoadOptions& options, QStringList& warnings)
{
    Qrels qrels;
    int unknownQueries = 0, unknownDocuments = 0;
    for (const QrelsRow& row : rows) {
        const bool queryKnown = queries.contains(row.query);
        const bool documentKnown = documents.contains(row.document);
        if (!options.allowUnknownIds && !queryKnown)
            throw EvalError(QStringLiteral("%1:%2: query %3 is not in queries.jsonl").arg(path).arg(row.line).arg(row.query));
        if (!options.allowUnknownIds && !documentKnown)
            throw EvalError(QStringLiteral("%1:%2: document %3 is not in corpus.jsonl").arg(path).arg(row.line).arg(row.document));
        unknownQueries += queryKnown ? 0 : 1;
        unknownDocuments += documentKnown ? 0 : 1;
        if (queryKnown && documentKnown)
            qrels[row.query].insert(row.document, row.score);
    }
    if (unknownQueries || unknownDocuments)
        warnings << QStringLiteral("%1: ignored %2 judgement rows naming a query not in queries.jsonl and %3 naming a "
                                   "document not in corpus.jsonl").arg(path).arg(unknownQueries).arg(unknownDocuments);
    return qrels;
}

} // namespace

BeirDataset loadBeirDataset(const QString& folder, const QString& split, const BeirLoadOptions& options)
{
    const QDir dir(folder);
    const QString corpusPath = dir.filePath(QStringLiteral("corpus.jsonl"));
    const QString queriesPath = dir.filePath(QStringLiteral("queries.jsonl"));
    const QString qrelsPath = dir.filePath(QStringLiteral("qrels/%1.tsv").arg(split));
    const QByteArray corpusBytes = readAll(corpusPath);
    const QByteArray queriesBytes = readAll(queriesPath);
    const QByteArray qrelsBytes = readAll(qrelsPath);

    BeirDataset dataset;
    dataset.path = folder;
    dataset.name = QFileInfo(QDir::cleanPath(folder)).fileName();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QByteArray* part : {&corpusBytes, &queriesBytes, &qrelsBytes}) {
        hash.addData(QByteArray::number(part->size()) + '\n');
        hash.addData(*part);
    }
    dataset.hash = QString::fromLatin1(hash.result().toHex());

    QHash<QString, int> seen;
    forEachJsonLine(corpusBytes, corpusPath, [&](const QJsonObject& object, int lineNo) {
        BeirDocument doc{requiredString(object, "_id", corpusPath, lineNo), object.value(QLatin1String("title")).toString(),
                         object.value(QLatin1String("text")).toString()};
        if (doc.text.trimmed().isEmpty() && doc.title.trimmed().isEmpty())
            throw EvalError(QStringLiteral("%1:%2: document %3 has neither title nor text").arg(corpusPath).arg(lineNo).arg(doc.id));
        if (seen.contains(doc.id))
            throw EvalError(QStringLiteral("%1:%2: duplicate _id %3").arg(corpusPath).arg(lineNo).arg(doc.id));
        seen.insert(doc.id, lineNo);
        dataset.corpus.push_back(std::move(doc));
    });
    std::vector<BeirQuery> queries;
    QSet<QString> queryIds;
    forEachJsonLine(queriesBytes, queriesPath, [&](const QJsonObject& object, int lineNo) {
        BeirQuery query{requiredString(object, "_id", queriesPath, lineNo), requiredString(object, "text", queriesPath, lineNo)};
        if (queryIds.contains(query.id))
            throw EvalError(QStringLiteral("%1:%2: duplicate _id %3").arg(queriesPath).arg(lineNo).arg(query.id));
        queryIds.insert(query.id);
        queries.push_back(std::move(query));
    });
    dataset.qrels = checkedQrels(parseQrels(qrelsBytes, qrelsPath), seen, queryIds, qrelsPath, options, dataset.warnings);
    for (BeirQuery& query : queries)
        if (dataset.qrels.contains(query.id))
            dataset.queries.push_back(std::move(query));
    if (dataset.corpus.empty() || dataset.queries.empty())
        throw EvalError(QStringLiteral("%1: no documents or no judged queries").arg(folder));
    return dataset;
}

} // namespace ac::eval
