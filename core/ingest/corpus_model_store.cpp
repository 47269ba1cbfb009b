#include "ingest/corpus_model_store.h"

#include <QDataStream>
#include <QHash>
#include <QIODevice>
#include <QMutex>

namespace ac::ingest {

namespace {

constexpr const char* kSaveModel =
    "INSERT INTO embedding_models (merchant_id, checksum, model_name, dims, vocabulary_size, training_texts, "
    " training_seconds, model, vocabulary) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'base64'), decode($9, 'base64')) "
    "ON CONFLICT (merchant_id, checksum) DO NOTHING";
constexpr const char* kLoadModel =
    "SELECT encode(model, 'base64') FROM embedding_models WHERE merchant_id = $1 AND checksum = $2";
constexpr const char* kLoadVocabulary =
    "SELECT encode(vocabulary, 'base64') FROM embedding_models WHERE merchant_id = $1 AND checksum = $2";
constexpr const char* kListModels =
    "SELECT merchant_id, checksum, model_name, dims, vocabulary_size, training_texts, training_seconds, "
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at "
    "FROM embedding_models WHERE merchant_id = $1 ORDER BY created_at, checksum";

QByteArray serializeWords(const QHash<std::uint64_t, QString>& words)
{
    QByteArray blob;
    QDataStream s(&blob, QIODevice::WriteOnly);
    s.setVersion(QDataStream::Qt_6_0);
    s << quint64(words.size());
    for (auto it = words.cbegin(); it != words.cend(); ++it)
        s << quint64(it.key()) << it.value();
    return blob;
}

QHash<std::uint64_t, QString> deserializeWords(const QByteArray& blob)
{
    QDataStream s(blob);
    s.setVersion(QDataStream::Qt_6_0);
    quint64 count = 0;
    s >> count;
    QHash<std::uint64_t, QString> words;
    for (quint64 i = 0; i < count && s.status() == QDataStream::Ok; ++i) {
        quint64 id = 0;
        QString word;
        s >> id >> word;
        words.insert(id, word);
    }
    if (s.status() != QDataStream::Ok)
        throw EmbeddingError(QStringLiteral("the model's vocabulary is truncated or corrupt"));
    return words;
}

struct ModelCache {
    QMutex mutex;
    QHash<QString, std::shared_ptr<const CorpusModel>> models;  // "merchant/checksum"
};

ModelCache& cache()
{
    static ModelCache c;
    return c;
}

} // namespace

QString saveCorpusModel(db::PgConnection& conn, const QString& merchantId, const CorpusModel& model,
                        double trainingSeconds)
{
    const QByteArray blob = model.serialize();
    const QString checksum = model.checksum();
    conn.exec(kSaveModel, db::PgParams()
                              .add(merchantId)
                              .add(checksum)
                              .add(QString::fromLatin1(CorpusModel::kModelName))
                              .add(model.dims())
                              .add(model.vocabularySize())
                              .add(model.trainingTexts())
                              .add(trainingSeconds)
                              .add(QString::fromLatin1(blob.toBase64()))
                              .add(QString::fromLatin1(serializeWords(model.words()).toBase64())));
    return checksum;
}

std::shared_ptr<const CorpusModel> loadCorpusModel(db::PgConnection& conn, const QString& merchantId,
                                                   const QString& checksum, bool withVocabulary)
{
    const QString key = merchantId + QLatin1Char('/') + checksum;
    if (!withVocabulary) {
        const QMutexLocker lock(&cache().mutex);
        if (const auto it = cache().models.constFind(key); it != cache().models.cend())
            return *it;
    }
    const db::PgResult r = conn.exec(kLoadModel, db::PgParams().add(merchantId).add(checksum));
    if (r.empty())
        throw EmbeddingError(QStringLiteral("merchant %1 has no corpus model %2: run `ragctl train --merchant %1`")
                                 .arg(merchantId, checksum.left(12)));
    auto model = std::make_shared<CorpusModel>(CorpusModel::deserialize(QByteArray::fromBase64(r.bytes(0, 0))));
    if (model->checksum() != checksum)
        throw EmbeddingError(QStringLiteral("corpus model %1 of %2 does not match its checksum").arg(checksum.left(12), merchantId));
    if (withVocabulary) {
        const db::PgResult v = conn.exec(kLoadVocabulary, db::PgParams().add(merchantId).add(checksum));
        model->setWords(deserializeWords(QByteArray::fromBase64(v.bytes(0, 0))));
        return model;
    }
    const QMutexLocker lock(&cache().mutex);
    cache().models.insert(key, model);
    return model;
}

std::vector<CorpusModelInfo> listCorpusModels(db::PgConnection& conn, const QString& merchantId)
{
    const db::PgResult r = conn.exec(kListModels, db::PgParams().add(merchantId));
    std::vector<CorpusModelInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "merchant_id"), r.text(i, "checksum"), r.text(i, "model_name"),
                       static_cast<int>(r.integer(i, "dims")), static_cast<int>(r.integer(i, "vocabulary_size")),
                       r.integer(i, "training_texts"), r.real(i, "training_seconds"), r.text(i, "created_at")});
    return out;
}

} // namespace ac::ingest
