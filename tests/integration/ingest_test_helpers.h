#pragma once

// Shared by the ingest integration tests (not a test executable itself: no test_ prefix).

#include "db/pg_connection.h"
#include "ingest/hash_embedder.h"
#include "ingest/prepared_source.h"
#include "ingest/source_records.h"

#include <QStringList>

namespace ac::test {

inline void createMerchant(db::PgConnection& conn, const QString& id)
{
    conn.exec("INSERT INTO merchants (id, name, plan) VALUES ($1, $1, 'pro') ON CONFLICT DO NOTHING",
              db::PgParams().add(id));
}

inline ingest::DocumentSource makeDocument(const QString& merchant, const QString& id, const QStringList& sections,
                                           const QStringList& acl = {QStringLiteral("role:staff")})
{
    ingest::DocumentSource d;
    d.id = id;
    d.merchantId = merchant;
    d.title = QStringLiteral("Policy %1").arg(id);
    d.category = QStringLiteral("refund");
    d.acl = acl;
    QString md = QStringLiteral("# %1\n\nIntroduction to the policy.\n").arg(d.title);
    for (const QString& s : sections)
        md += QStringLiteral("\n## %1\n\nThis section covers %1 in detail. Customers ask about %1 often.\n").arg(s);
    d.markdown = md;
    d.sourcePath = id + QStringLiteral(".md");
    return d;
}

// The hash embedder under another name, optionally failing: a stand-in for a second model or an
// embedding endpoint that goes down.
class TestEmbedder : public ingest::Embedder {
public:
    explicit TestEmbedder(QString model = QStringLiteral("test-model-b"), int failAfterCalls = -1)
        : model_(std::move(model)), failAfterCalls_(failAfterCalls) {}
    ingest::EmbeddingSpec spec() const override { return {QStringLiteral("test"), model_, 1536, QStringLiteral("1")}; }
    std::vector<ingest::Embedding> embed(const QStringList& texts) override
    {
        if (failAfterCalls_ >= 0 && calls_ >= failAfterCalls_)
            throw ingest::EmbeddingError(QStringLiteral("embedding endpoint down (injected)"));
        ++calls_;
        std::vector<ingest::Embedding> out = hash_.embed(texts);
        for (auto& v : out)
            std::reverse(v.begin(), v.end());  // a different, still unit-length, vector space
        return out;
    }
    int calls() const { return calls_; }

private:
    QString model_;
    int failAfterCalls_;
    int calls_ = 0;
    ingest::HashEmbedder hash_;
};

inline QStringList column(db::PgConnection& conn, const char* sql, const db::PgParams& params = {})
{
    const db::PgResult r = conn.exec(sql, params);
    QStringList out;
    for (int i = 0; i < r.rows(); ++i) {
        QStringList row;
        for (int c = 0; c < r.columns(); ++c)
            row << r.text(i, c);
        out << row.join(QLatin1Char('|'));
    }
    return out;
}

// `count` documents of one sentence each (a ticket or FAQ export), ids `<merchant>-<prefix>-<i>`.
inline std::vector<ingest::PreparedSource> oneSentenceDocuments(const QString& merchant, const QString& prefix, int count)
{
    std::vector<ingest::PreparedSource> sources;
    for (int i = 0; i < count; ++i) {
        ingest::DocumentSource d;
        d.id = QStringLiteral("%1-%2-%3").arg(merchant, prefix).arg(i);
        d.merchantId = merchant;
        d.title = QStringLiteral("Question %1").arg(i);
        d.acl = {QStringLiteral("role:staff")};
        d.markdown = QStringLiteral("Refunds for order %1 reach the card within %2 business days; exchanges of the %3 "
                                    "take longer.").arg(1000 + i).arg(3 + i % 7).arg(i % 2 ? "widget" : "gadget");
        sources.push_back(ingest::prepareDocument(d, ingest::ChunkerOptions{}));
    }
    return sources;
}

// Rows where the merchant's BM25 statistics (document frequency per lexeme, chunks and tokens
// per version) or postings (id, tf and length per lexeme and ACL token) differ from a
// recomputation from its chunks, plus segments whose entry count is wrong or that are empty
// (0 = exact).
inline qint64 lexicalStatisticsDrift(db::PgConnection& conn, const QString& merchant)
{
    const qint64 postings = conn.exec(
        "WITH fresh AS (SELECT c.corpus_version, u.lexeme, k.token, c.id, cardinality(u.positions) AS tf, "
        "                      app.tsvector_tokens(c.search_tsv) AS length "
        "               FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) AS u "
        "               CROSS JOIN LATERAL (SELECT DISTINCT t FROM unnest(c.acl) AS t) AS k(token) WHERE c.merchant_id = $1), "
        "     kept AS (SELECT p.corpus_version, p.lexeme, p.token, e.id, e.tf, e.length FROM chunk_postings p "
        "              CROSS JOIN LATERAL app.bm25_postings_entries(p.postings) AS e WHERE p.merchant_id = $1) "
        "SELECT (SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept) UNION ALL "
        "                              (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh)) AS d) "
        "     + (SELECT count(*) FROM chunk_postings WHERE merchant_id = $1 "
        "        AND (entries <> app.bm25_postings_count(postings) OR entries = 0))",
        db::PgParams().add(merchant)).integer(0, 0);
    return postings + conn.exec(
        "WITH fresh AS (SELECT c.corpus_version, u.lexeme, count(*) AS n FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) u "
        "               WHERE c.merchant_id = $1 GROUP BY 1, 2), "
        "     kept AS (SELECT corpus_version, lexeme, chunks AS n FROM chunk_lexemes WHERE merchant_id = $1 AND chunks > 0), "
        "     fresh_totals AS (SELECT corpus_version, count(*) AS chunks, sum(app.tsvector_tokens(search_tsv)) AS tokens "
        "                      FROM chunks WHERE merchant_id = $1 GROUP BY 1), "
        "     kept_totals AS (SELECT corpus_version, chunks, tokens FROM chunk_lexical_totals WHERE merchant_id = $1 AND chunks > 0) "
        "SELECT (SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL "
        "                              (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) AS d) "
        "     + (SELECT count(*) FROM ((SELECT * FROM fresh_totals EXCEPT SELECT * FROM kept_totals) UNION ALL "
        "                              (SELECT * FROM kept_totals EXCEPT SELECT * FROM fresh_totals)) AS t)",
        db::PgParams().add(merchant)).integer(0, 0);
}

} // namespace ac::test
