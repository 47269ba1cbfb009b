#include "eval/beir_dataset.h"

#include "eval/eval_error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

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

Qrels parseQrels(const QByteArray& bytes, const QString& path)
{
    Qrels qrels;
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
            qrels[QString::fromUtf8(fields[0])].insert(QString::fromUtf8(fields[1]), score);
    }
    return qrels;
}

} // namespace

BeirDataset loadBeirDataset(const QString& folder, const QString& split)
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
    dataset.qrels = parseQrels(qrelsBytes, qrelsPath);
    forEachJsonLine(queriesBytes, queriesPath, [&](const QJsonObject& object, int lineNo) {
        BeirQuery query{requiredString(object, "_id", queriesPath, lineNo), requiredString(object, "text", queriesPath, lineNo)};
        if (dataset.qrels.contains(query.id))
            dataset.queries.push_back(std::move(query));
    });
    if (dataset.corpus.empty() || dataset.queries.empty())
        throw EvalError(QStringLiteral("%1: no documents or no judged queries").arg(folder));
    return dataset;
}

} // namespace ac::eval
