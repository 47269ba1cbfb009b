#include "db/db_error.h"
#include "db/migrator.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

// Runs against a fresh database on the test cluster so "empty database" really is empty.
class TestMigrations : public QObject {
    Q_OBJECT

    db::PgConnection freshDatabase(const QString& name)
    {
        db::PgConnection admin = test::TestDatabase::instance().connect();
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(name));
        admin.exec(QStringLiteral("CREATE DATABASE %1").arg(name));
        return db::PgConnection::open(test::TestDatabase::instance().conninfo() + QStringLiteral(" dbname=") + name);
    }

    // The product's migrations up to and including `version`: a database as an older release left it.
    static std::vector<db::Migration> migrationsUpTo(int version)
    {
        std::vector<db::Migration> some;
        for (const db::Migration& m : db::Migrator::embedded())
            if (m.version <= version)
                some.push_back(m);
        return some;
    }

private slots:
    void initTestCase()
    {
        if (!test::TestDatabase::instance().cluster())
            QSKIP("needs a server where this role may CREATE DATABASE; uses the embedded test cluster");
    }

    void appliesInOrderOnEmptyDatabase()
    {
        db::PgConnection conn = freshDatabase(QStringLiteral("migrate_empty"));
        const auto migrations = db::Migrator::embedded();
        QVERIFY(!migrations.empty());
        const QStringList applied = db::Migrator(conn).apply(migrations);
        QCOMPARE(applied.size(), static_cast<qsizetype>(migrations.size()));
        const db::PgResult rows = conn.exec("SELECT version FROM schema_migrations ORDER BY applied_at, version");
        for (int r = 0; r < rows.rows(); ++r)
            QCOMPARE(rows.integer(r, 0), static_cast<qint64>(migrations[static_cast<size_t>(r)].version));
    }

    void secondRunIsANoOp()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        QVERIFY(db::Migrator(conn).apply(db::Migrator::embedded()).isEmpty());
        QVERIFY(db::Migrator(conn).pending(db::Migrator::embedded()).isEmpty());
    }

    void editedMigrationIsRefused()
    {
        db::PgConnection conn = freshDatabase(QStringLiteral("migrate_edited"));
        db::Migrator(conn).apply(db::Migrator::embedded());
        auto edited = db::Migrator::embedded();
        edited.front().sql += QStringLiteral("\n-- edited\n");
        edited.front().checksum = QStringLiteral("0000");
        try {
            db::Migrator(conn).apply(edited);
            QFAIL("an edited migration was applied");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), QString::fromLatin1(db::Migrator::kEditedMigration));
            QVERIFY(error.message().contains(edited.front().name));
        }
    }

    void failedMigrationLeavesNothingBehind()
    {
        db::PgConnection conn = freshDatabase(QStringLiteral("migrate_broken"));
        auto migrations = db::Migrator::embedded();
        migrations.push_back({9999, QStringLiteral("9999_broken.sql"),
                              QStringLiteral("CREATE TABLE half_done (x int); SELECT no_such_function();"),
                              QStringLiteral("abc")});
        QVERIFY_THROWS_EXCEPTION(db::DbError, db::Migrator(conn).apply(migrations));
        QVERIFY(conn.exec("SELECT to_regclass('half_done') IS NULL").boolean(0, 0));
        QVERIFY(conn.exec("SELECT count(*) FROM schema_migrations WHERE version = 9999").integer(0, 0) == 0);
    }

    // Migration 010 rebuilds the graphs of a populated database: each tenant's graph under its
    // name, and the ACL graphs that existed, all on halfvec.
    void halfvecMigrationRebuildsExistingGraphs()
    {
        db::PgConnection conn = freshDatabase(QStringLiteral("migrate_graphs"));
        db::Migrator(conn).apply(migrationsUpTo(9));
        conn.exec("INSERT INTO merchants (id, name, plan) VALUES ('gm1', 'Graph Co', 'pro')");
        conn.exec("INSERT INTO corpus_versions (merchant_id, version, state, embedding_provider, embedding_model, "
                  "embedding_dims, chunker_version) VALUES ('gm1', 1, 'live', 'hash', 'm', 1536, 'c')");
        conn.exec("INSERT INTO support_documents (id, merchant_id, title, full_text, acl, content_hash) "
                  "VALUES ('gd1', 'gm1', 'Refunds', 'refund text', '{topic:refund}', 'h')");
        conn.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, chunk_text, "
                  "  heading_path, citation, content_hash, token_count, acl, embedding, embedding_model, chunker_version) "
                  "SELECT 'gm1', 1, 'document', 'gd1', i, 'refund text ' || i, 'Refunds', '[Refunds]', md5(i::text), 3, "
                  "  ARRAY['topic:refund'], array_fill((i % 7 + 1)::real, ARRAY[1536])::vector, 'm', 'c' "
                  "FROM generate_series(0, 49) AS i");
        const QString aclGraph = conn.exec("SELECT app.create_acl_graph('gm1', 'topic:refund')").text(0, 0);

        db::Migrator(conn).apply(db::Migrator::embedded());
        const auto definition = [&conn](const QString& index) {
            const db::PgResult r = conn.exec("SELECT indexdef FROM pg_indexes WHERE indexname = $1", db::PgParams().add(index));
            return r.empty() ? QString() : r.text(0, 0);
        };
        const QString tenantGraph = conn.exec("SELECT app.chunk_graph_name('gm1')").text(0, 0);
        QVERIFY2(definition(tenantGraph).contains(QLatin1String("halfvec_cosine_ops")), qPrintable(definition(tenantGraph)));
        QVERIFY2(definition(aclGraph).contains(QLatin1String("halfvec_cosine_ops")), qPrintable(definition(aclGraph)));
        QVERIFY2(definition(aclGraph).contains(QLatin1String("topic:refund")), qPrintable(definition(aclGraph)));
        // Since migration 016 each graph covers one dimension count.
        QVERIFY2(definition(tenantGraph).contains(QLatin1String("WHERE (embedding_dims = 1536)")), qPrintable(definition(tenantGraph)));
        QVERIFY2(definition(aclGraph).contains(QLatin1String("embedding_dims = 1536")), qPrintable(definition(aclGraph)));
    }

    // Lists written in migration 020's format are rebuilt from the chunks by migration 021, which
    // the extension's readers require.
    void postingsAreRebuiltInTheBlockFormat()
    {
        db::PgConnection conn = freshDatabase(QStringLiteral("migrate_postings"));
        db::Migrator(conn).apply(migrationsUpTo(20));
        conn.exec("INSERT INTO merchants (id, name, plan) VALUES ('pm1', 'Postings Co', 'pro')");
        conn.exec("INSERT INTO corpus_versions (merchant_id, version, state, embedding_provider, embedding_model, "
                  "embedding_dims, chunker_version) VALUES ('pm1', 1, 'live', 'hash', 'm', 3, 'c')");
        conn.exec("INSERT INTO support_documents (id, merchant_id, title, full_text, acl, content_hash) "
                  "VALUES ('pd1', 'pm1', 'Refunds', 'refund text', '{role:staff,topic:refund}', 'h')");
        conn.exec("INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, chunk_text, "
                  "  heading_path, citation, content_hash, token_count, acl, embedding, embedding_dims, embedding_model, "
                  "  chunker_version) "
                  "SELECT 'pm1', 1, 'document', 'pd1', i, 'refund widget order ' || i || ' refund', 'Refunds', '[Refunds]', "
                  "  md5(i::text), 4, ARRAY['role:staff', 'topic:refund'], '[1,2,3]', 3, 'm', 'c' "
                  "FROM generate_series(0, 199) AS i");
        // What migration 020's extension wrote: a count, the first and last id, then varints.
        conn.exec("UPDATE chunk_postings SET postings = '\\x010000000100000000000000010000000000000001010300000000'");

        db::Migrator(conn).apply(db::Migrator::embedded());
        const db::PgResult r = conn.exec(
            "SELECT (SELECT sum(e.tf) FROM chunk_postings p, app.bm25_postings_entries(p.postings) AS e "
            "        WHERE p.lexeme = 'refund' AND p.token = 'topic:refund') AS refund_tf, "
            "       (SELECT count(*) FROM chunk_postings p, app.bm25_postings_entries(p.postings) AS e) AS entries");
        QCOMPARE(r.integer(0, "refund_tf"), qint64(200 * 3));  // twice in the text, once in the heading
        // refund, widget, order and a number (200 distinct), under each of the two tokens
        QCOMPARE(r.integer(0, "entries"), qint64(2 * 200 * 4));
    }

    void pgvectorIsAtLeast08()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString version = conn.exec("SELECT extversion FROM pg_extension WHERE extname = 'vector'").text(0, 0);
        const QStringList parts = version.split(QLatin1Char('.'));
        QVERIFY2(parts.size() >= 2 && (parts[0].toInt() > 0 || parts[1].toInt() >= 8), qPrintable(version));
    }

    void retrievalIndexesExist_data()
    {
        QTest::addColumn<QString>("index");
        QTest::addColumn<QString>("definitionPart");
        QTest::newRow("btree_merchant") << QStringLiteral("chunks_merchant_idx") << QStringLiteral("btree (merchant_id");
        QTest::newRow("gin_acl") << QStringLiteral("chunks_acl_gin") << QStringLiteral("gin (acl)");
        QTest::newRow("gin_tsvector") << QStringLiteral("chunks_search_gin") << QStringLiteral("gin (search_tsv)");
        // The graphs are per partition and dimension count: merchantPartitionLifecycle.
    }
    void retrievalIndexesExist()
    {
        QFETCH(QString, index);
        QFETCH(QString, definitionPart);
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const db::PgResult row =
            conn.exec("SELECT indexdef FROM pg_indexes WHERE indexname = $1", db::PgParams().add(index));
        QCOMPARE(row.rows(), 1);
        QVERIFY2(row.text(0, 0).contains(definitionPart), qPrintable(row.text(0, 0)));
    }

    // Each merchant gets its own partition of chunks, with every index of the parent, created
    // without blocking readers of chunks and dropped with the merchant (migration 007).
    void merchantPartitionLifecycle()
    {
        db::PgConnection writer = test::TestDatabase::instance().connect();
        db::PgConnection reader = test::TestDatabase::instance().connect();
        const QString merchant = QStringLiteral("Weird Co/42");  // not a plain identifier: a hashed name
        writer.exec("BEGIN");
        writer.exec("INSERT INTO merchants (id, name, plan) VALUES ($1, 'Weird Co', 'pro')", db::PgParams().add(merchant));
        reader.exec("SET lock_timeout = '2s'");
        QVERIFY(reader.exec("SELECT count(*) FROM chunks").integer(0, 0) >= 0);  // not blocked by the open transaction
        writer.exec("COMMIT");

        const QString partition = writer.exec("SELECT app.chunk_partition_name($1)", db::PgParams().add(merchant)).text(0, 0);
        QVERIFY2(partition.startsWith(QLatin1String("chunks_h_")), qPrintable(partition));
        QCOMPARE(writer.exec("SELECT count(*) FROM pg_inherits WHERE inhparent = 'chunks'::regclass "
                             "AND inhrelid = to_regclass($1)", db::PgParams().add(partition)).integer(0, 0), qint64(1));
        const db::PgResult indexes = writer.exec(
            "SELECT count(*) FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid "
            "WHERE x.indrelid = to_regclass($1) AND i.inhparent IN ("
            "'chunks_search_gin'::regclass, 'chunks_acl_gin'::regclass, 'chunks_metadata_gin'::regclass, "
            "'chunks_merchant_idx'::regclass, 'chunks_pkey'::regclass, 'chunks_source_key'::regclass)",
            db::PgParams().add(partition));
        QCOMPARE(indexes.integer(0, 0), qint64(6));
        // The lexical leg's tsvector stays in the row, as in the parent (migration 019).
        QCOMPARE(writer.exec("SELECT attstorage::text FROM pg_attribute WHERE attrelid = to_regclass($1) "
                             "AND attname = 'search_tsv'", db::PgParams().add(partition)).text(0, 0),
                 QStringLiteral("m"));
        // A corpus version brings the graph of its dimension count, under the name plans show, on
        // half-precision copies (migrations 010, 016).
        writer.exec("INSERT INTO corpus_versions (merchant_id, version, state, embedding_provider, embedding_model, "
                    "embedding_dims, chunker_version) VALUES ($1, 1, 'live', 'corpus', 'm', 384, 'c')",
                    db::PgParams().add(merchant));
        const db::PgResult graph = writer.exec(
            "SELECT indexdef FROM pg_indexes WHERE indexname = app.chunk_graph_name($1, 384) AND tablename = $2",
            db::PgParams().add(merchant).add(partition));
        QCOMPARE(graph.rows(), 1);
        QVERIFY2(graph.text(0, 0).contains(QLatin1String("((embedding)::halfvec(384)) halfvec_cosine_ops")), qPrintable(graph.text(0, 0)));
        QVERIFY2(graph.text(0, 0).contains(QLatin1String("WHERE (embedding_dims = 384)")), qPrintable(graph.text(0, 0)));

        writer.exec("DELETE FROM merchants WHERE id = $1", db::PgParams().add(merchant));
        QVERIFY(writer.exec("SELECT to_regclass($1) IS NULL", db::PgParams().add(partition)).boolean(0, 0));
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "test_migrations.moc"
