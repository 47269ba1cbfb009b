#include "ingest/ingest_error.h"
#include "ingest/ingestor.h"
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;
using ac::test::makeDocument;

// Upsert idempotency and the clear errors of the ingest path, against a real cluster.
class TestIngest : public QObject {
    Q_OBJECT

    db::PgConnection conn_ = test::TestDatabase::instance().connect();
    ingest::HashEmbedder embedder_;
    const QStringList sections_{QStringLiteral("Eligibility"), QStringLiteral("Requests"), QStringLiteral("Timing")};

    QStringList snapshot(const QString& docId)
    {
        return test::column(conn_,
                            "SELECT id, xmin::text, chunk_index, content_hash, updated_at FROM chunks "
                            "WHERE document_id = $1 ORDER BY chunk_index",
                            db::PgParams().add(docId))
             + test::column(conn_, "SELECT xmin::text, updated_at FROM support_documents WHERE id = $1",
                            db::PgParams().add(docId));
    }

    ingest::IngestResult ingest(const ingest::DocumentSource& d, ingest::Embedder* embedder = nullptr)
    {
        return ingest::Ingestor(conn_, embedder ? *embedder : embedder_).ingestDocument(d);
    }

private slots:
    void initTestCase()
    {
        test::createMerchant(conn_, QStringLiteral("mi1"));
        test::createMerchant(conn_, QStringLiteral("mi2"));
    }

    void firstLoadWritesEverything()
    {
        const ingest::IngestResult r = ingest(makeDocument("mi1", "doc-a", sections_));
        QCOMPARE(r.chunksWritten, 4);
        QCOMPARE(r.chunksEmbedded, 4);
        QCOMPARE(r.chunksUnchanged, 0);
        QCOMPARE(r.corpusVersion, 1);
        QCOMPARE(test::column(conn_, "SELECT version, state, embedding_provider, embedding_model, embedding_dims, embedding_version "
                                     "FROM corpus_versions WHERE merchant_id = 'mi1'"),
                 QStringList{"1|live|hash|ac-lexical-hash-v1|1536|1"});
        QCOMPARE(test::column(conn_, "SELECT chunk_index, citation, heading_path, embedding_provider, embedding_dims, "
                                     "metadata->>'source', round((embedding <#> embedding)::numeric, 4) FROM chunks "
                                     "WHERE document_id = 'doc-a' ORDER BY chunk_index"),
                 (QStringList{"0|[Policy doc-a]|Policy doc-a|hash|1536|policy|-1.0000",
                              "1|[Policy doc-a §1]|Policy doc-a > Eligibility|hash|1536|policy|-1.0000",
                              "2|[Policy doc-a §2]|Policy doc-a > Requests|hash|1536|policy|-1.0000",
                              "3|[Policy doc-a §3]|Policy doc-a > Timing|hash|1536|policy|-1.0000"}));
    }

    void rerunChangesNothing()
    {
        const QStringList before = snapshot("doc-a");
        const ingest::IngestResult r = ingest(makeDocument("mi1", "doc-a", sections_));
        QCOMPARE(r.chunksWritten, 0);
        QCOMPARE(r.chunksEmbedded, 0);
        QCOMPARE(r.chunksUnchanged, 4);
        QCOMPARE(r.chunksDeleted, 0);
        QCOMPARE(snapshot("doc-a"), before);
    }

    void editedSectionIsTheOnlyOneReembedded()
    {
        const ingest::IngestResult r =
            ingest(makeDocument("mi1", "doc-a", {"Eligibility", "Requests by email", "Timing"}));
        QCOMPARE(r.chunksEmbedded, 1);
        QCOMPARE(r.chunksWritten, 1);
        QCOMPARE(r.chunksUnchanged, 3);
    }

    void insertedSectionReusesShiftedVectors()
    {
        const QString timingVector = test::column(conn_, "SELECT embedding::text FROM chunks WHERE document_id = 'doc-a' AND chunk_index = 3").value(0);
        const ingest::IngestResult r =
            ingest(makeDocument("mi1", "doc-a", {"Eligibility", "Exceptions", "Requests by email", "Timing"}));
        QCOMPARE(r.chunksEmbedded, 1);  // only "Exceptions" is new content
        QCOMPARE(r.chunksWritten, 3);   // new §2, shifted §3 and §4
        QCOMPARE(test::column(conn_, "SELECT embedding::text FROM chunks WHERE document_id = 'doc-a' AND chunk_index = 4").value(0),
                 timingVector);
        QCOMPARE(test::column(conn_, "SELECT citation FROM chunks WHERE document_id = 'doc-a' AND chunk_index = 4").value(0),
                 QStringLiteral("[Policy doc-a §4]"));
    }

    void removedSectionsAreDeleted()
    {
        const ingest::IngestResult r = ingest(makeDocument("mi1", "doc-a", {"Eligibility", "Exceptions"}));
        QCOMPARE(r.chunksDeleted, 2);
        QCOMPARE(r.chunksEmbedded, 0);
        QCOMPARE(test::column(conn_, "SELECT count(*) FROM chunks WHERE document_id = 'doc-a'"), QStringList{"3"});
    }

    void aclChangeRewritesRowsWithoutEmbedding()
    {
        const ingest::IngestResult r =
            ingest(makeDocument("mi1", "doc-a", {"Eligibility", "Exceptions"}, {"role:staff", "topic:refund"}));
        QCOMPARE(r.chunksEmbedded, 0);
        QCOMPARE(r.chunksWritten, 3);
        QCOMPARE(test::column(conn_, "SELECT DISTINCT acl::text FROM chunks WHERE document_id = 'doc-a'"),
                 QStringList{"{role:staff,topic:refund}"});
        QCOMPARE(test::column(conn_, "SELECT acl::text FROM support_documents WHERE id = 'doc-a'"),
                 QStringList{"{role:staff,topic:refund}"});
    }

    void ticketsAreIdempotentToo()
    {
        conn_.exec("INSERT INTO customers (merchant_id, id, name) VALUES ('mi1', 'c1', 'Dana') ON CONFLICT DO NOTHING");
        ingest::TicketSource t;
        t.id = QStringLiteral("ti-1");
        t.merchantId = QStringLiteral("mi1");
        t.customerId = QStringLiteral("c1");
        t.orderNumber = QStringLiteral("4821");
        t.status = QStringLiteral("open");
        t.category = QStringLiteral("refund");
        t.acl = {QStringLiteral("role:staff")};
        t.messages = {{QStringLiteral("customer"), QStringLiteral("Where is my refund?"), {}},
                      {QStringLiteral("agent"), QStringLiteral("It was issued on Monday."), {}}};
        ingest::Ingestor ingestor(conn_, embedder_);
        QCOMPARE(ingestor.ingestTicket(t).chunksWritten, 2);
        const QStringList before = test::column(conn_, "SELECT xmin::text, updated_at FROM tickets WHERE id = 'ti-1'")
                                   + test::column(conn_, "SELECT xmin::text, seq, body FROM ticket_messages WHERE ticket_id = 'ti-1' ORDER BY seq");
        const ingest::IngestResult again = ingestor.ingestTicket(t);
        QCOMPARE(again.chunksWritten, 0);
        QCOMPARE(again.chunksEmbedded, 0);
        QCOMPARE(test::column(conn_, "SELECT xmin::text, updated_at FROM tickets WHERE id = 'ti-1'")
                     + test::column(conn_, "SELECT xmin::text, seq, body FROM ticket_messages WHERE ticket_id = 'ti-1' ORDER BY seq"),
                 before);
        t.messages.pop_back();
        const ingest::IngestResult shorter = ingestor.ingestTicket(t);
        QCOMPARE(shorter.chunksDeleted, 1);
        QCOMPARE(test::column(conn_, "SELECT count(*) FROM ticket_messages WHERE ticket_id = 'ti-1'"), QStringList{"1"});
        QCOMPARE(test::column(conn_, "SELECT citation || ' ' || (metadata->>'author') || ' ' || (metadata->>'order_number') "
                                     "FROM chunks WHERE ticket_id = 'ti-1'"),
                 QStringList{"[Ticket ti-1] customer 4821"});
    }

    void refusedLoads_data()
    {
        QTest::addColumn<QString>("merchant");
        QTest::addColumn<QString>("docId");
        QTest::addColumn<QString>("embedderKind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown_merchant") << "nobody" << "doc-x" << "hash" << "unknown merchant \"nobody\"";
        QTest::newRow("id_owned_by_other_merchant") << "mi2" << "doc-a" << "hash" << "already belongs to merchant mi1";
        QTest::newRow("other_model_than_live_corpus") << "mi1" << "doc-y" << "other" << "ragctl reembed --merchant mi1";
        QTest::newRow("wrong_dimensions") << "mi1" << "doc-z" << "hash768" << "cannot be mixed";
    }
    void refusedLoads()
    {
        QFETCH(QString, merchant);
        QFETCH(QString, docId);
        QFETCH(QString, embedderKind);
        QFETCH(QString, expected);
        test::TestEmbedder other;
        ingest::HashEmbedder small(768);
        ingest::Embedder* embedder = embedderKind == "other" ? static_cast<ingest::Embedder*>(&other)
                                   : embedderKind == "hash768" ? static_cast<ingest::Embedder*>(&small)
                                                               : &embedder_;
        const QStringList before = test::column(conn_, "SELECT merchant_id, id, xmin::text FROM support_documents ORDER BY id")
                                   + test::column(conn_, "SELECT id, xmin::text FROM chunks ORDER BY id");
        try {
            ingest(makeDocument(merchant, docId, sections_), embedder);
            QFAIL("no IngestError");
        } catch (const ingest::IngestError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
        QCOMPARE(test::column(conn_, "SELECT merchant_id, id, xmin::text FROM support_documents ORDER BY id")
                     + test::column(conn_, "SELECT id, xmin::text FROM chunks ORDER BY id"),
                 before);
    }

    void unknownCustomerIsRefused()
    {
        ingest::TicketSource t;
        t.id = QStringLiteral("ti-2");
        t.merchantId = QStringLiteral("mi1");
        t.customerId = QStringLiteral("ghost");
        t.status = QStringLiteral("open");
        t.acl = {QStringLiteral("role:staff")};
        t.messages = {{QStringLiteral("customer"), QStringLiteral("Hello?"), {}}};
        QVERIFY_THROWS_EXCEPTION(ingest::IngestError, ingest::Ingestor(conn_, embedder_).ingestTicket(t));
        QCOMPARE(test::column(conn_, "SELECT count(*) FROM tickets WHERE id = 'ti-2'"), QStringList{"0"});
    }
};

QTEST_GUILESS_MAIN(TestIngest)
#include "test_ingest.moc"
