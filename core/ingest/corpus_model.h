#pragma once

#include "ingest/embedder.h"
#include "ingest/load_progress.h"

#include <QByteArray>
#include <QHash>

#include <cstdint>
#include <unordered_map>

namespace ac::ingest {

struct CorpusModelOptions {
    int dims = 384;                 // chosen on the man-pages dev split (BENCHMARKS.md)
    std::uint64_t seed = 20261203;  // training is a pure function of the texts, options and seed
    int minDocumentFrequency = 1;   // 2 lost 0.01 nDCG@10 on both dev halves
    int maxFeatures = 200000;       // the most frequent ones
    int maxTrainingTexts = 200000;  // larger corpora are sampled evenly
    int oversampling = 16;          // randomized SVD: extra columns...
    int powerIterations = 3;        // ...and power iterations, for accuracy of the trailing dims
};

// A latent semantic model learned from a corpus (LSA): the texts' TF-IDF vectors over word and
// character-trigram features (lexical_features.h; trigrams weigh half a word) are factorised by a
// randomized truncated SVD (Halko, Martinsson & Tropp 2011, with Eigen), and a text is embedded as
// its TF-IDF vector projected on the top `dims` right singular vectors, L2-normalised. Words that
// co-occur land close together, so a query can match a text it shares no word with; a word never
// seen in training still has its trigrams, so typos and codes degrade gracefully. A corpus whose
// TF-IDF matrix has rank below `dims` leaves the trailing dimensions zero.
class CorpusModel {
public:
    static constexpr const char* kModelName = "ac-corpus-lsa-v1";

    static CorpusModel train(const QStringList& texts, const CorpusModelOptions& options = {},
                             const ProgressFn& progress = {});
    // Throws EmbeddingError for a blob that is not a model of this format.
    static CorpusModel deserialize(const QByteArray& blob);

    QByteArray serialize() const;
    // Hex SHA-256 of serialize(): the model's identity, recorded on every chunk it embedded.
    const QString& checksum() const { return checksum_; }

    Embedding embed(const QString& text) const;

    int dims() const { return dims_; }
    int vocabularySize() const { return static_cast<int>(features_.size()); }
    qint64 trainingTexts() const { return trainingTexts_; }
    const CorpusModelOptions& options() const { return options_; }
    // The stemmed words of the vocabulary, by feature id (for inspection; not needed to embed).
    const QHash<std::uint64_t, QString>& words() const { return words_; }
    void setWords(QHash<std::uint64_t, QString> words) { words_ = std::move(words); }

    struct Neighbour {
        QString word;
        double similarity;
    };
    // The vocabulary words whose own embedding is closest to `word`'s, best first.
    std::vector<Neighbour> nearestWords(const QString& word, int count) const;

private:
    void index();
    void seal();  // the checksum, once the weights are final
    bool accumulate(const QString& text, std::vector<float>& out) const;
    const float* row(int feature) const { return projection_.data() + static_cast<size_t>(feature) * dims_; }

    CorpusModelOptions options_;
    qint64 trainingTexts_ = 0;
    std::vector<std::uint64_t> features_;  // sorted
    std::vector<float> idf_;
    int dims_ = 0;
    std::vector<float> projection_;        // features x dims, row-major
    std::unordered_map<std::uint64_t, int> row_;
    QHash<std::uint64_t, QString> words_;
    QString checksum_;
};

} // namespace ac::ingest
