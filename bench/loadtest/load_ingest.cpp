#include "load_ingest.h"

#include "ingest/bulk_loader.h"
#include "ingest/corpus_training.h"
#include "ingest/embedder_factory.h"
#include "ingest/prepared_source.h"
#include "synthetic_corpus.h"

#include <QElapsedTimer>

namespace ac::loadtest {

namespace {
constexpr const char* kDeleteDocuments = "DELETE FROM support_documents WHERE id LIKE 'loadtest-doc-%'";
}

QString ingestDuringLoad(db::PgConnection& owner, const QString& merchantId, int documents, quint64 seed)
{
    bench::SyntheticOptions options;
    options.seed = seed;
    options.merchants = 1;
    options.documentsPerMerchant = documents;
    options.skew = 0;
    const bench::SyntheticCorpus corpus(options);
    std::vector<ingest::PreparedSource> sources;
    QStringList texts;
    for (int i = 0; i < corpus.documentCount(0); ++i) {
        ingest::DocumentSource d = corpus.document(0, i);
        d.id = QStringLiteral("loadtest-doc-%1-%2").arg(seed).arg(i + 1);
        d.merchantId = merchantId;
        sources.push_back(ingest::prepareDocument(d, ingest::ChunkerOptions{}));
        for (const ingest::Chunk& chunk : sources.back().chunks)
            texts << chunk.embedText();
    }
    QElapsedTimer timer;
    timer.start();
    auto embedder = ingest::embedderForLoad(owner, merchantId, ingest::EmbedderConfig::fromEnvironment(), texts);
    ingest::BulkLoader loader(owner, *embedder);
    const int count = static_cast<int>(sources.size());
    const ingest::IngestResult result = loader.load(merchantId, std::move(sources));
    return QStringLiteral("ingested %1 documents (%2 chunks) into %3 in %4 s")
        .arg(count)
        .arg(result.chunksWritten)
        .arg(merchantId)
        .arg(static_cast<double>(timer.elapsed()) / 1000, 0, 'f', 1);
}

void removeLoadDocuments(db::PgConnection& owner)
{
    owner.exec(kDeleteDocuments);
}

} // namespace ac::loadtest
