#include "retrieval/lexical_terms.h"

#include "retrieval/query_sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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

namespace {

double planRows(db::PgConnection& conn, const char* explain, const db::PgParams& params)
{
    const db::PgResult r = conn.exec(explain, params);
    return QJsonDocument::fromJson(r.bytes(0, 0)).array().first().toObject().value(QLatin1String("Plan"))
        .toObject().value(QLatin1String("Plan Rows")).toDouble();
}

// One EXPLAIN per word (identifiers are always kept): about 0.1-0.2 ms each.
std::vector<double> plannerFrequencies(db::PgConnection& conn, const QString& merchantId, const QStringList& all,
                                       const QStringList& identifiers)
{
    std::vector<double> frequencies(static_cast<size_t>(all.size()), -1.0);
    const double rows = planRows(conn, sql::kEstimateAllRows, db::PgParams().add(merchantId));
    if (rows <= 0)
        return frequencies;
    for (qsizetype i = 0; i < all.size(); ++i)
        if (!identifiers.contains(all[i]))
            frequencies[size_t(i)] = planRows(conn, sql::kEstimateTermMatches, db::PgParams().add(merchantId).add(all[i])) / rows;
    return frequencies;
}

} // namespace

LexicalQuery planLexicalQuery(db::PgConnection& conn, const QString& merchantId, const QueryTerms& terms,
                              double maxFrequency)
{
    QStringList all = terms.identifiers;
    all += terms.words;
    if (all.isEmpty())
        return {};
    const db::PgResult r = conn.exec(sql::kTermFrequencies, db::PgParams().addTextArray(all).add(merchantId));
    std::vector<double> frequencies;
    bool anyStatistics = false;
    for (int i = 0; i < r.rows(); ++i) {
        frequencies.push_back(r.isNull(i, 1) ? -1.0 : r.real(i, 1));
        anyStatistics = anyStatistics || !r.isNull(i, 1);
    }
    if (!anyStatistics && terms.words.size() > 1)
        frequencies = plannerFrequencies(conn, merchantId, all, terms.identifiers);
    return chooseLexicalTerms(all, frequencies, terms.identifiers, maxFrequency);
}

} // namespace ac::retrieval
