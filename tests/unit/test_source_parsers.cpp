#include "ingest/source_parsers.h"

#include <QtTest>

using namespace ac::ingest;

class TestSourceParsers : public QObject {
    Q_OBJECT

private slots:
    void documentFrontMatter()
    {
        const DocumentSource d = parseDocumentBytes(
            "---\nid: d1\ntitle: \"Shipping FAQ\"\ncategory: shipping\nacl:\n  - role:staff\n  - topic:shipping\n---\n# Shipping FAQ\n\nBody.\n",
            QStringLiteral("faq.md"));
        QCOMPARE(d.id, QStringLiteral("d1"));
        QCOMPARE(d.title, QStringLiteral("Shipping FAQ"));
        QCOMPARE(d.category, QStringLiteral("shipping"));
        QCOMPARE(d.acl, (QStringList{"role:staff", "topic:shipping"}));
        QCOMPARE(d.markdown, QStringLiteral("# Shipping FAQ\n\nBody."));
        QCOMPARE(d.sourcePath, QStringLiteral("faq.md"));
    }

    void badDocuments_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");  // substring of the message, including file:line
        QTest::newRow("empty") << QByteArray("  \n") << "bad.md: file is empty";
        QTest::newRow("not_utf8") << QByteArray("---\nid: d1\ntitle: T\nacl: [a]\n---\nbad \xff byte\n") << "bad.md:6: not valid UTF-8";
        QTest::newRow("oversized") << QByteArray(6 * 1024 * 1024, 'a') << "limit is 5242880 bytes";
        QTest::newRow("no_front_matter") << QByteArray("# Title\n\ntext") << "bad.md:1: missing front matter";
        QTest::newRow("unclosed") << QByteArray("---\nid: d1\ntitle: T\n") << "not closed";
        QTest::newRow("missing_id") << QByteArray("---\ntitle: T\nacl: [a]\n---\nBody") << "bad.md:1: front matter has no id";
        QTest::newRow("missing_title") << QByteArray("---\nid: d1\nacl: [a]\n---\nBody") << "front matter has no title";
        QTest::newRow("bad_line") << QByteArray("---\nid: d1\ntitle: T\nnonsense\n---\nBody") << "bad.md:4: expected 'key: value'";
        QTest::newRow("no_body") << QByteArray("---\nid: d1\ntitle: T\nacl: [a]\n---\n\n") << "has no body";
    }
    void badDocuments()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        try {
            parseDocumentBytes(bytes, QStringLiteral("bad.md"));
            QFAIL("no SourceError");
        } catch (const SourceError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }

    void ticketsJsonl()
    {
        const auto tickets = parseTicketsJsonl(
            "{\"id\":\"t1\",\"customer_id\":\"u1\",\"order_number\":4821,\"status\":\"open\",\"acl\":[\"role:staff\"],"
            "\"created_at\":\"2026-11-19T09:12:00Z\",\"messages\":[{\"author\":\"customer\",\"body\":\"Hi\"},"
            "{\"author\":\"agent\",\"body\":\"Hello\"}]}\n\n"
            "{\"id\":\"t2\",\"customer_id\":\"u2\",\"status\":\"closed\",\"acl\":[\"u1\"],\"text\":\"Opening only\"}\n",
            QStringLiteral("t.jsonl"));
        QCOMPARE(tickets.size(), size_t(2));
        QCOMPARE(tickets[0].orderNumber.value_or(QString()), QStringLiteral("4821"));
        QCOMPARE(tickets[0].messages.size(), size_t(2));
        QVERIFY(tickets[0].createdAt.has_value());
        QCOMPARE(tickets[1].messages.front().body, QStringLiteral("Opening only"));
        QVERIFY(!tickets[1].orderNumber.has_value());
    }

    void badTickets_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const QByteArray good = "{\"id\":\"t1\",\"customer_id\":\"u1\",\"status\":\"open\",\"acl\":[\"a\"],\"text\":\"x\"}\n";
        QTest::newRow("bad_json_line_2") << good + "{\"id\": \n" << "t.jsonl:2: bad JSON";
        QTest::newRow("not_object") << QByteArray("[1,2]\n") << "t.jsonl:1: expected a JSON object";
        QTest::newRow("missing_id") << QByteArray("{\"customer_id\":\"u1\",\"acl\":[\"a\"],\"text\":\"x\"}") << "t.jsonl:1: ticket has no id";
        QTest::newRow("bad_status") << QByteArray("{\"id\":\"t1\",\"customer_id\":\"u1\",\"status\":\"weird\",\"acl\":[\"a\"],\"text\":\"x\"}")
                                    << "status \"weird\"";
        QTest::newRow("no_messages") << QByteArray("{\"id\":\"t1\",\"customer_id\":\"u1\",\"acl\":[\"a\"]}") << "has no messages";
        QTest::newRow("bad_author") << QByteArray("{\"id\":\"t1\",\"customer_id\":\"u1\",\"acl\":[\"a\"],\"messages\":[{\"author\":\"bot\",\"body\":\"x\"}]}")
                                    << "author \"bot\"";
        QTest::newRow("bad_date") << QByteArray("{\"id\":\"t1\",\"customer_id\":\"u1\",\"acl\":[\"a\"],\"text\":\"x\",\"created_at\":\"yesterday\"}")
                                  << "not an ISO 8601";
        QTest::newRow("empty") << QByteArray("\n\n") << "file is empty";
    }
    void badTickets()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        try {
            parseTicketsJsonl(bytes, QStringLiteral("t.jsonl"));
            QFAIL("no SourceError");
        } catch (const SourceError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }

    void ticketsCsv()
    {
        const auto tickets = parseTicketsCsv(
            "id,customer_id,status,category,acl,author,text\n"
            "t1,u1,open,refund,role:staff;topic:refund,customer,\"Where is my refund, please?\"\n"
            "t1,u1,open,refund,role:staff;topic:refund,agent,\"It was sent\non Monday.\"\n"
            "t2,u2,closed,,u1,,Hi\n",
            QStringLiteral("t.csv"));
        QCOMPARE(tickets.size(), size_t(2));
        QCOMPARE(tickets[0].messages.size(), size_t(2));
        QCOMPARE(tickets[0].messages[0].body, QStringLiteral("Where is my refund, please?"));
        QCOMPARE(tickets[0].messages[1].author, QStringLiteral("agent"));
        QCOMPARE(tickets[0].messages[1].body, QStringLiteral("It was sent\non Monday."));
        QCOMPARE(tickets[0].acl, (QStringList{"role:staff", "topic:refund"}));
        QCOMPARE(tickets[1].messages[0].author, QStringLiteral("customer"));
    }

    void badCsv_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing_column") << QByteArray("id,customer_id,text\nt1,u1,x\n") << "t.csv:1: header has no \"status\"";
        QTest::newRow("wrong_field_count") << QByteArray("id,customer_id,status,acl,text\nt1,u1,open,a\n") << "t.csv:2: 4 fields";
        QTest::newRow("unterminated_quote") << QByteArray("id,customer_id,status,acl,text\nt1,u1,open,a,\"oops\n") << "unterminated";
        QTest::newRow("header_only") << QByteArray("id,customer_id,status,acl,text\n") << "no tickets";
    }
    void badCsv()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        try {
            parseTicketsCsv(bytes, QStringLiteral("t.csv"));
            QFAIL("no SourceError");
        } catch (const SourceError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSourceParsers)
#include "test_source_parsers.moc"
