#include "retrieval/lexical_reranker.h"

#include "retrieval/query_terms.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ac::retrieval {

namespace {

double share(int found, qsizetype total) { return total == 0 ? 0.0 : static_cast<double>(found) / static_cast<double>(total); }

// The query, prepared once: stemmed words numbered, identifiers, and word pairs as number pairs.
struct PreparedQuery {
    QHash<QString, int> wordIds;   // stem -> index
    QSet<QString> identifiers;
    QSet<quint64> pairs;           // (first id << 32) | second id

    explicit PreparedQuery(const QString& query)
    {
        const QueryTerms terms = extractQueryTerms(query);
        for (const QString& w : terms.words)
            wordIds.insert(stemWord(w), static_cast<int>(wordIds.size()));
        identifiers = QSet<QString>(terms.identifiers.begin(), terms.identifiers.end());
        for (const QString& phrase : terms.phrases) {
            const QStringList two = phrase.split(QLatin1Char(' '));
            const int a = wordIds.value(stemWord(two.value(0)), -1);
            const int b = wordIds.value(stemWord(two.value(1)), -1);
            if (a >= 0 && b >= 0)
                pairs.insert((quint64(quint32(a)) << 32) | quint32(b));
        }
    }
};

} // namespace

std::vector<double> LexicalReranker::score(const QString& query, const std::vector<RetrievedChunk>& candidates)
{
    const PreparedQuery q(query);
    const qsizetype words = q.wordIds.size();

    double bestFused = 0.0;
    for (const RetrievedChunk& c : candidates)
        bestFused = std::max(bestFused, c.scores.fused);

    std::vector<double> scores;
    scores.reserve(candidates.size());
    std::vector<char> inBody(static_cast<size_t>(words)), inHeading(static_cast<size_t>(words));
    // Candidates share most of their vocabulary: stem each distinct token once per call.
    QHash<QString, int> tokenIds;
    const auto wordId = [&](const QString& token) {
        const auto found = tokenIds.constFind(token);
        if (found != tokenIds.constEnd())
            return found.value();
        return tokenIds.insert(token, q.wordIds.value(stemWord(token), -1)).value();
    };
    for (const RetrievedChunk& c : candidates) {
        std::fill(inBody.begin(), inBody.end(), 0);
        std::fill(inHeading.begin(), inHeading.end(), 0);
        QSet<QString> identifiersFound;
        QSet<quint64> pairsFound;

        int previous = -1;
        forEachToken(c.text, [&](const QString& token) {
            if (q.identifiers.contains(token))
                identifiersFound.insert(token);
            const int id = wordId(token);
            if (id >= 0) {
                inBody[static_cast<size_t>(id)] = 1;
                if (previous >= 0) {
                    const quint64 pair = (quint64(quint32(previous)) << 32) | quint32(id);
                    if (q.pairs.contains(pair))
                        pairsFound.insert(pair);
                }
            }
            previous = id;
        });
        forEachToken(c.headingPath + QLatin1Char(' ') + c.title, [&](const QString& token) {
            if (q.identifiers.contains(token))
                identifiersFound.insert(token);
            const int id = wordId(token);
            if (id >= 0)
                inHeading[static_cast<size_t>(id)] = 1;
        });

        double coverage = 0.0;
        for (qsizetype i = 0; i < words; ++i)
            coverage += std::min((inHeading[size_t(i)] ? weights_.headingField : 0.0) + (inBody[size_t(i)] ? weights_.bodyField : 0.0), 1.0);
        coverage = words == 0 ? 0.0 : coverage / static_cast<double>(words);

        const double prior = bestFused > 0.0 ? c.scores.fused / bestFused : 0.0;
        scores.push_back(weights_.coverage * coverage
                         + weights_.phrase * share(static_cast<int>(pairsFound.size()), q.pairs.size())
                         + weights_.identifier * share(static_cast<int>(identifiersFound.size()), q.identifiers.size())
                         + weights_.prior * prior);
    }
    return scores;
}

} // namespace ac::retrieval
