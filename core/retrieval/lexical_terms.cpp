#include "retrieval/lexical_terms.h"

#include "retrieval/query_sql.h"

namespace ac::retrieval {

LexicalQuery chooseLexicalTerms(const QStringList& terms, const std::vector<double>& frequencies,
                                const QStringList& identifiers, double maxFrequency)
{
    LexicalQuery q;
    QStringList kept, common;
    for (qsizetype i = 0; i < terms.size(); ++i) {
        const double f = i < static_cast<qsizetype>(frequencies.size()) ? frequencies[size_t(i)] : -1.0;
        (identifiers.contains(terms[i]) || f <= maxFrequency ? kept : common) << terms[i];
    }
    if (!kept.isEmpty()) {
        q.tsQuery = kept.join(QLatin1String(" | "));
        q.dropped = common;
    } else if (!common.isEmpty()) {
        q.tsQuery = common.join(QLatin1String(" & "));
        q.conjunctive = common.size() > 1;
    }
    return q;
}

LexicalQuery planLexicalQuery(db::PgConnection& conn, const QueryTerms& terms, double maxFrequency)
{
    QStringList all = terms.identifiers;
    all += terms.words;
    if (all.isEmpty())
        return {};
    const db::PgResult r = conn.exec(sql::kTermFrequencies, db::PgParams().addTextArray(all));
    std::vector<double> frequencies;
    for (int i = 0; i < r.rows(); ++i)
        frequencies.push_back(r.isNull(i, 1) ? -1.0 : r.real(i, 1));
    return chooseLexicalTerms(all, frequencies, terms.identifiers, maxFrequency);
}

} // namespace ac::retrieval
