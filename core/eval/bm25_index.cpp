#include "eval/bm25_index.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace ac::eval {

QStringList bm25Tokens(const QString& text)
{
    QStringList tokens;
    QString current;
    for (const QChar c : text) {
        if (c.isLetterOrNumber()) {
            current.append(c.toLower());
        } else if (!current.isEmpty()) {
            tokens.push_back(current);
            current.clear();
        }
    }
    if (!current.isEmpty())
        tokens.push_back(current);
    return tokens;
}

void Bm25Index::add(const QString& id, const QString& text)
{
    const int doc = int(ids_.size());
    const QStringList tokens = bm25Tokens(text);
    QHash<QString, int> counts;
    for (const QString& token : tokens)
        ++counts[token];
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        postings_[it.key()].push_back({doc, it.value()});
    ids_.push_back(id);
    lengths_.push_back(int(tokens.size()));
    totalLength_ += tokens.size();
}

std::vector<Bm25Hit> Bm25Index::search(const QString& query, int k) const
{
    const double n = double(ids_.size());
    if (n == 0 || k <= 0)
        return {};
    const double averageLength = std::max(1.0, double(totalLength_) / n);
    std::vector<double> scores(ids_.size(), 0.0);
    std::vector<int> touched;
    QSet<QString> terms;
    for (const QString& term : bm25Tokens(query)) {
        if (terms.contains(term))
            continue;
        terms.insert(term);
        const auto found = postings_.constFind(term);
        if (found == postings_.cend())
            continue;
        const double df = double(found->size());
        const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
        for (const Posting& posting : *found) {
            const double tf = posting.tf;
            const double norm = params_.k1 * (1.0 - params_.b + params_.b * lengths_[posting.doc] / averageLength);
            if (scores[posting.doc] == 0.0)
                touched.push_back(posting.doc);
            scores[posting.doc] += idf * tf * (params_.k1 + 1.0) / (tf + norm);
        }
    }
    auto better = [&](int a, int b) { return scores[a] != scores[b] ? scores[a] > scores[b] : a < b; };
    const auto end = touched.begin() + std::min<qsizetype>(k, qsizetype(touched.size()));
    std::partial_sort(touched.begin(), end, touched.end(), better);
    std::vector<Bm25Hit> hits;
    for (auto it = touched.begin(); it != end; ++it)
        hits.push_back({ids_[*it], scores[*it]});
    return hits;
}

} // namespace ac::eval
