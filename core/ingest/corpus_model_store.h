#pragma once

#include "db/pg_connection.h"
#include "ingest/corpus_model.h"

#include <memory>
#include <optional>

namespace ac::ingest {

// What embedding_models records of a trained model, without its weights.
struct CorpusModelInfo {
    QString merchantId;
    QString checksum;
    QString modelName;
    int dims = 0;
    int vocabularySize = 0;
    qint64 trainingTexts = 0;
    double trainingSeconds = 0.0;
    QString createdAt;
};

// Stores a trained model (and, owner-only, its vocabulary) for a merchant; returns its checksum.
// Storing the same model twice is a no-op.
QString saveCorpusModel(db::PgConnection& conn, const QString& merchantId, const CorpusModel& model,
                        double trainingSeconds);

// The merchant's model with this checksum, read once per process and shared after that (models
// never change: a new training is a new checksum). Throws EmbeddingError when there is none.
// `withVocabulary` (owner only) also reads the words, for inspection.
std::shared_ptr<const CorpusModel> loadCorpusModel(db::PgConnection& conn, const QString& merchantId,
                                                   const QString& checksum, bool withVocabulary = false);

std::vector<CorpusModelInfo> listCorpusModels(db::PgConnection& conn, const QString& merchantId);

} // namespace ac::ingest
