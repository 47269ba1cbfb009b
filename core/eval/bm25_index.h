#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

namespace ac::eval {

// Lower-cased runs of letters and digits; everything else separates. No stemming, no stop words:
// the baseline is deliberately plain.
QStringList bm25Tokens(const QString& text);

struct Bm25Params {
    // Anserini's defaults, the usual "plain BM25" reference point for BEIR.
    double k1 = 0.9;
    double b = 0.4;
};

struct Bm25Hit {
    QString id;
    double score = 0;
};

// In-memory Okapi BM25 with the Lucene idf, log(1 + (N - df + 0.5) / (df + 0.5)), and query terms
// counted once. The reference the product's retrieval modes are measured against.
class Bm25Index {
public:
    explicit Bm25Index(Bm25Params params = {}) : params_(params) {}

    void add(const QString& id, const QString& text);
    // Best first; ties keep insertion order. Documents sharing no term with the query are omitted.
    std::vector<Bm25Hit> search(const QString& query, int k) const;
    int size() const { return int(ids_.size()); }
    const Bm25Params& params() const { return params_; }

private:
    struct Posting {
        int doc;
        int tf;
    };
    Bm25Params params_;
    QStringList ids_;
    std::vector<int> lengths_;
    qint64 totalLength_ = 0;
    QHash<QString, std::vector<Posting>> postings_;
};

} // namespace ac::eval
