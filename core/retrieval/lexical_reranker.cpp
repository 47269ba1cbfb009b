#include "retrieval/lexical_reranker.h"

#include "retrieval/query_terms.h"

#include <QSet>

#include <algorithm>

namespace ac::retrieval {

namespace {

QStringList stemmed(const QStringList& tokens)
{
    QStringList out;
    out.reserve(tokens.size());
    for (const QString& t : tokens)
        out << stemWord(t);
    return out;
}

QSet<QString> asSet(const QStringList& list) { return QSet<QString>(list.begin(), list.end()); }

double share(int found, int total) { return total == 0 ? 0.0 : static_cast<double>(found) / total; }

} // namespace

std::vector<double> LexicalReranker::score(const QString& query, const std::vector<RetrievedChunk>& candidates)
{
    const QueryTerms terms = extractQueryTerms(query);
    const QStringList queryWords = stemmed(terms.words);
    QStringList queryPhrases;
    for (const QString& phrase : terms.phrases)
        queryPhrases << stemmed(phrase.split(QLatin1Char(' '))).join(QLatin1Char(' '));

    double bestFused = 0.0;
    for (const RetrievedChunk& c : candidates)
        bestFused = std::max(bestFused, c.scores.fused);

    std::vector<double> scores;
    scores.reserve(candidates.size());
    for (const RetrievedChunk& c : candidates) {
        const QStringList bodyTokens = tokenize(c.text);
        const QSet<QString> rawTokens = asSet(bodyTokens) + asSet(tokenize(c.headingPath + QLatin1Char(' ') + c.title));
        const QStringList bodyStems = stemmed(bodyTokens);
        const QSet<QString> body = asSet(bodyStems);
        const QSet<QString> heading = asSet(stemmed(tokenize(c.headingPath + QLatin1Char(' ') + c.title)));

        double coverage = 0.0;
        for (const QString& w : queryWords) {
            const double field = (heading.contains(w) ? weights_.headingField : 0.0)
                + (body.contains(w) ? weights_.bodyField : 0.0);
            coverage += std::min(field, 1.0);
        }
        coverage = queryWords.isEmpty() ? 0.0 : coverage / queryWords.size();

        QSet<QString> bigrams;
        for (qsizetype i = 0; i + 1 < bodyStems.size(); ++i)
            bigrams.insert(bodyStems[i] + QLatin1Char(' ') + bodyStems[i + 1]);
        int phrases = 0;
        for (const QString& p : queryPhrases)
            phrases += bigrams.contains(p) ? 1 : 0;

        int identifiers = 0;
        for (const QString& id : terms.identifiers)
            identifiers += rawTokens.contains(id) ? 1 : 0;

        const double prior = bestFused > 0.0 ? c.scores.fused / bestFused : 0.0;
        scores.push_back(weights_.coverage * coverage
                         + weights_.phrase * share(phrases, static_cast<int>(queryPhrases.size()))
                         + weights_.identifier * share(identifiers, static_cast<int>(terms.identifiers.size()))
                         + weights_.prior * prior);
    }
    return scores;
}

} // namespace ac::retrieval
