#pragma once

// Shared by the ingest integration tests (not a test executable itself: no test_ prefix).

#include "db/pg_connection.h"
#include "ingest/hash_embedder.h"
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

} // namespace ac::test
