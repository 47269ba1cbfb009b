#pragma once

#include "db/pg_connection.h"
#include "retrieval/query_terms.h"

namespace ac::retrieval {

struct LexicalQuery {
    QString tsQuery;          // to_tsquery text; empty: nothing to search
    QStringList dropped;      // terms left out as too common to discriminate
    bool conjunctive = false; // every term was common: they are ANDed instead
    QString widened;          // the OR to search when tsQuery finds fewer than k; empty: none
    QStringList unaffordable; // terms matching more rows than the budget: never searched
};

// How many rows one term may be expected to match before it is too costly to search: a GIN
// bitmap over them is built in full (~3 ms per 20,000 rows), and ranking an arbitrary capped
// subset of so many matches says nothing about relevance.
struct LexicalBudget {
    double maxFrequency = 0.05;  // rarer terms are searched first; commoner ones only to widen
    double rows = 0;             // rows in the merchant's partition (0: unknown, no budget applies)
    double maxRows = 20000;      // a term expected in more rows than this is not searched
};

// Picks the terms the lexical leg searches for. An OR of every word of a pasted message matches
// most of a large tenant and ranking all of that is slow and unhelpful, so terms found in more
// than `maxFrequency` of the merchant's chunks (per ANALYZE's statistics of its partition) are
// dropped while a rarer term or an identifier remains; when all are common they are ANDed.
LexicalQuery planLexicalQuery(db::PgConnection& conn, const QString& merchantId, const QueryTerms& terms,
                              const LexicalBudget& budget);

// The decision alone, for given frequencies (-1: unknown, i.e. rare); `terms` order is kept.
LexicalQuery chooseLexicalTerms(const QStringList& terms, const std::vector<double>& frequencies,
                                const QStringList& identifiers, const LexicalBudget& budget);

} // namespace ac::retrieval
