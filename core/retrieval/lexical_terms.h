#pragma once

#include "db/pg_connection.h"
#include "retrieval/query_terms.h"

namespace ac::retrieval {

struct LexicalQuery {
    QString tsQuery;          // to_tsquery text; empty: nothing to search
    QStringList dropped;      // terms left out as too common to discriminate
    bool conjunctive = false; // every term was common: they are ANDed instead
};

// Picks the terms the lexical leg searches for. An OR of every word of a pasted message matches
// most of a large tenant and ranking all of that is slow and unhelpful, so terms found in more
// than `maxFrequency` of the merchant's chunks (per ANALYZE's statistics of its partition) are
// dropped while a rarer term or an identifier remains; when all are common they are ANDed.
LexicalQuery planLexicalQuery(db::PgConnection& conn, const QString& merchantId, const QueryTerms& terms,
                              double maxFrequency);

// The decision alone, for given frequencies (-1: unknown, i.e. rare); `terms` order is kept.
LexicalQuery chooseLexicalTerms(const QStringList& terms, const std::vector<double>& frequencies,
                                const QStringList& identifiers, double maxFrequency);

} // namespace ac::retrieval
