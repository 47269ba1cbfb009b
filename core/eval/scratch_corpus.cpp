#include "eval/scratch_corpus.h"

#include "ingest/bulk_loader.h"
#include "ingest/prepared_source.h"

#include <QRandomGenerator>

namespace ac::eval {
namespace {

constexpr const char* kCreateMerchant = "INSERT INTO merchants (id, name, plan) VALUES ($1, $2, 'enterprise')";
constexpr const char* kCreateAgent = R"(
INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens)
VALUES ($1, $2, 'Eval harness', 'staff', ARRAY[$3]))";
constexpr const char* kDropMerchant = "DELETE FROM merchants WHERE id = $1";
constexpr const char* kCountChunks = "SELECT count(*) FROM chunks WHERE merchant_id = $1";
constexpr const char* kAnalyzeChunks = "ANALYZE chunks";

const QString kAclToken = QStringLiteral("role:eval");

} // namespace

ScratchCorpus::ScratchCorpus(db::PgConnection& conn, const QString& datasetHash) : conn_(conn)
{
    const QString nonce = QString::number(QRandomGenerator::global()->generate() & 0xffffff, 16).rightJustified(6, QLatin1Char('0'));
    merchantId_ = QStringLiteral("eval-%1-%2").arg(datasetHash.left(8), nonce);
    db::Transaction tx(conn_);
    conn_.exec(kCreateMerchant, db::PgParams().add(merchantId_).add(QStringLiteral("Eval scratch ") + datasetHash.left(8)));
    conn_.exec(kCreateAgent, db::PgParams().add(agent().agentId).add(merchantId_).add(kAclToken));
    tx.commit();
}

ScratchCorpus::~ScratchCorpus()
{
    if (keep_ || dropped_)
        return;
    try {
        drop();
    } catch (...) {
        // The connection may be gone; the rows are then the user's to delete (ragctl prints the id).
    }
}

void ScratchCorpus::drop()
{
    if (conn_.inTransaction())
        conn_.exec("ROLLBACK");
    conn_.exec(kDropMerchant, db::PgParams().add(merchantId_));
    dropped_ = true;
}

retrieval::AgentIdentity ScratchCorpus::agent() const
{
    return {merchantId_ + QStringLiteral("-agent"), merchantId_, QStringLiteral("Eval harness"), QStringLiteral("staff"),
            {kAclToken}};
}

QString ScratchCorpus::datasetId(const QString& sourceId) const
{
    const QString prefix = merchantId_ + QLatin1Char(':');
    return sourceId.startsWith(prefix) ? sourceId.mid(prefix.size()) : sourceId;
}

int ScratchCorpus::load(const BeirDataset& dataset, ingest::Embedder& embedder, const ingest::ChunkerOptions& chunker)
{
    std::vector<ingest::PreparedSource> sources;
    sources.reserve(dataset.corpus.size());
    for (const BeirDocument& doc : dataset.corpus) {
        ingest::DocumentSource source;
        source.id = merchantId_ + QLatin1Char(':') + doc.id;
        source.merchantId = merchantId_;
        source.title = doc.title.trimmed().isEmpty() ? doc.id : doc.title.trimmed();
        source.acl = {kAclToken};
        source.markdown = doc.text;
        source.sourcePath = dataset.path + QStringLiteral("/corpus.jsonl#") + doc.id;
        sources.push_back(ingest::prepareDocument(source, chunker));
    }
    ingest::BulkLoader loader(conn_, embedder);
    loader.load(merchantId_, std::move(sources));
    conn_.exec(kAnalyzeChunks);
    return int(conn_.exec(kCountChunks, db::PgParams().add(merchantId_)).integer(0, 0));
}

} // namespace ac::eval
