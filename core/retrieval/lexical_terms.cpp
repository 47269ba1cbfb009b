#include "retrieval/lexical_terms.h"

#include "retrieval/query_sql.h"

#include <algorithm>

namespace ac::retrieval {

LexicalQuery chooseLexicalTerms(const QStringList& terms, const std::vector<double>& frequencies,
                                const QStringList& identifiers, const LexicalBudget& budget)
{
    const auto frequency = [&](qsizetype i) {
        return i < static_cast<qsizetype>(frequencies.size()) ? frequencies[size_t(i)] : -1.0;
    };
    const auto expectedRows = [&](qsizetype i) { return std::max(0.0, frequency(i)) * budget.rows; };
    const bool budgeted = budget.rows > 0;

    LexicalQuery q;
    QStringList kept, common;
    std::vector<std::pair<double, QString>> affordable;  // (expected rows, term): the widening candidates
    for (qsizetype i = 0; i < terms.size(); ++i) {
        const bool identifier = identifiers.contains(terms[i]);
        if (!identifier && budgeted && expectedRows(i) > budget.maxRows) {
            q.unaffordable << terms[i];
            continue;
        }
        affordable.emplace_back(identifier ? 0.0 : expectedRows(i), terms[i]);
        (identifier || frequency(i) <= budget.maxFrequency ? kept : common) << terms[i];
    }
    if (!kept.isEmpty()) {
        q.tsQuery = kept.join(QLatin1String(" | "));
        q.dropped = common;
    } else if (!common.isEmpty()) {
        q.tsQuery = common.join(QLatin1String(" & "));
        q.conjunctive = common.size() > 1;
    }
    // Widening ORs the affordable terms, rarest first, while their expected matches stay in budget.
    std::stable_sort(affordable.begin(), affordable.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    QStringList wide;
    double total = 0;
    for (const auto& [rows, term] : affordable) {
        if (budgeted && total + rows > budget.maxRows && !wide.isEmpty())
            break;
        total += rows;
        wide << term;
    }
    QStringList ordered;  // query order, for readable diagnostics
    for (const QString& t : terms)
        if (wide.contains(t))
            ordered << t;
    const QString widened = ordered.join(QLatin1String(" | "));
    if (widened != q.tsQuery && (ordered.size() > kept.size() || q.conjunctive))
        q.widened = widened;
    return q;
}

LexicalQuery planLexicalQuery(db::PgConnection& conn, const QString& merchantId, const QueryTerms& terms,
                              const LexicalBudget& budget)
{
    QStringList all = terms.identifiers;
    all += terms.words;
    if (all.isEmpty())
        return {};
    const db::PgResult r = conn.exec(sql::kTermFrequencies, db::PgParams().add(merchantId).addTextArray(all));
    std::vector<double> frequencies;
    for (int i = 0; i < r.rows(); ++i)
        frequencies.push_back(r.isNull(i, 1) ? -1.0 : r.real(i, 1));
    return chooseLexicalTerms(all, frequencies, terms.identifiers, budget);
}

} // namespace ac::retrieval
