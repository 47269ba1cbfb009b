// SECURITY DEFINER functions an agent cannot subvert (issue 19, migration 012): temporary objects
// that shadow catalogs or tables read inside them change nothing, agents cannot create temporary
// objects at all, and the functions do not run as a superuser.
#include "db/db_error.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

namespace {

security::AgentSession bob()
{
    security::AgentLogin how;
    how.method = security::AgentLogin::Method::Password;
    how.agent = QStringLiteral("agent_u3");
    how.password = QStringLiteral("bob-demo");
    return security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
}

// Runs `f` with Bob allowed to create temporary objects, as he could before migration 012: the
// search_path pinning must hold on its own.
template <class F>
void withTemporaryObjectsAllowed(F&& f)
{
    db::PgConnection owner = test::TestDatabase::instance().connect();
    owner.exec("DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO agent_u3', current_database()); END $$");
    try {
        f();
    } catch (...) {
        owner.exec("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM agent_u3', current_database()); END $$");
        throw;
    }
    owner.exec("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM agent_u3', current_database()); END $$");
}

qint64 count(db::PgConnection& c, const char* sql) { return c.exec(sql).integer(0, 0); }

const char* kRestrictedOrForeign =
    "SELECT count(*) FROM app.exact_vector_leg_for('nobody', 'm01', 1, '{role:staff}', "
    "array_fill(0.01::real, '{1536}')::vector, 1000) WHERE source_id IN ('d9', 't3') OR source_id LIKE 'm02%'";

} // namespace

class TestSecurityDefiner : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::TestDatabase::instance().seedFixtures(); }

    // Any schema, any definer function: search_path is pinned and ends with pg_temp.
    void everyDefinerFunctionPinsSearchPathWithPgTempLast()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(
            "SELECT p.oid::regprocedure::text AS fn, "
            "       (SELECT c FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%') AS path "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')");
        QVERIFY(r.rows() >= 8);
        for (int i = 0; i < r.rows(); ++i) {
            const QString path = r.text(i, "path");
            QVERIFY2(path.endsWith(QLatin1String("pg_temp")), qPrintable(r.text(i, "fn") + QStringLiteral(": ") + path));
        }
    }

    void definerFunctionsAreNotOwnedByASuperuser()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(
            "SELECT p.oid::regprocedure::text AS fn, o.rolname, o.rolsuper, o.rolbypassrls, o.rolcanlogin "
            "FROM pg_proc p JOIN pg_roles o ON o.oid = p.proowner "
            "WHERE p.prosecdef AND p.pronamespace = 'app'::regnamespace");
        QVERIFY(r.rows() >= 8);
        for (int i = 0; i < r.rows(); ++i) {
            QVERIFY2(!r.boolean(i, "rolsuper") && !r.boolean(i, "rolbypassrls") && !r.boolean(i, "rolcanlogin"),
                     qPrintable(r.text(i, "fn") + QStringLiteral(" owned by ") + r.text(i, "rolname")));
        }
    }

    // What the definer role may touch, all of it: reads of agents, chunks, corpus versions and the
    // BM25 statistics, appends to the audit tables and the recall probes, reads of the probes for an
    // agent's own health summary. No partition, no other table, no write anywhere else.
    void definerRoleHoldsOnlyWhatTheFunctionsUse()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(
            "SELECT string_agg(table_name || ':' || privilege_type, ',' ORDER BY table_name, privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = 'agent_console_definer'");
        QCOMPARE(r.text(0, 0), QStringLiteral("agents:SELECT,chunk_lexemes:SELECT,chunk_lexical_totals:SELECT,chunk_postings:SELECT,chunks:SELECT,"
                                              "corpus_versions:SELECT,draft_audit:INSERT,recall_probes:INSERT,recall_probes:SELECT,retrieval_audit:INSERT"));
    }

    void agentsCannotCreateTemporaryObjects()
    {
        security::AgentSession b = bob();
        try {
            b.connection.exec("CREATE TEMP VIEW pg_auth_members AS SELECT 0::oid AS roleid WHERE false");
            QFAIL("an agent created a temporary view");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
        }
    }

    // The repro and its variants: each shadowing object is created as Bob, then the
    // functions that read that name are called; nothing beyond Bob's own rows comes back.
    void shadowedCatalogsAndTablesLeakNothing_data()
    {
        QTest::addColumn<QString>("shadow");
        QTest::newRow("pg_auth_members") << "CREATE TEMP VIEW pg_auth_members AS SELECT 0::oid AS roleid, 0::oid AS member, "
                                            "0::oid AS grantor, false AS admin_option WHERE false";
        QTest::newRow("pg_roles") << "CREATE TEMP VIEW pg_roles AS SELECT 'agent_u1'::name AS rolname, 0::oid AS oid";
        QTest::newRow("pg_class") << "CREATE TEMP VIEW pg_class AS SELECT 0::oid AS oid, 0::oid AS relowner, "
                                     "0::oid AS relnamespace";
        QTest::newRow("pg_stats") << "CREATE TEMP VIEW pg_stats AS SELECT 'public'::name AS schemaname, ''::name AS tablename, "
                                     "''::name AS attname, '{}'::text[] AS most_common_elems, '{}'::real[] AS most_common_elem_freqs";
        QTest::newRow("pg_inherits") << "CREATE TEMP VIEW pg_inherits AS SELECT 0::oid AS inhrelid, 0::oid AS inhparent";
        QTest::newRow("agents") << "CREATE TEMP VIEW agents AS SELECT 'u3'::text AS id, 'm01'::text AS merchant_id, "
                                   "'Bob'::text AS display_name, 'staff'::text AS kind, '{role:staff}'::text[] AS acl_tokens, "
                                   "'agent_u3'::name AS db_role";
        QTest::newRow("chunks") << "CREATE TEMP TABLE chunks (LIKE public.chunks)";
        QTest::newRow("chunk_lexemes") << "CREATE TEMP TABLE chunk_lexemes (merchant_id text, corpus_version int, "
                                          "lexeme text, chunks bigint)";
    }

    void shadowedCatalogsAndTablesLeakNothing()
    {
        QFETCH(QString, shadow);
        withTemporaryObjectsAllowed([&] {
            security::AgentSession b = bob();
            db::PgConnection& c = b.connection;
            c.exec(shadow.toUtf8().constData());
            QCOMPARE(count(c, kRestrictedOrForeign), 0);
            QCOMPARE(count(c, "SELECT count(*) FROM app.exact_vector_leg_for('nobody', 'm02', 1, '{role:staff}', "
                              "array_fill(0.01::real, '{1536}')::vector, 1000)"), 0);
            QCOMPARE(count(c, "SELECT count(*) FROM app.bm25_leg_for('nobody', 'm01', 1, '{role:staff}', "
                              "'password reset refund order', 1.2, 0.75, 2000, 1000) WHERE source_id IN ('d9', 't3')"), 0);
            QCOMPARE(count(c, "SELECT count(*) FROM app.bm25_leg_for('agent_u1', 'm01', 1, '{role:staff}', "
                              "'password reset refund', 1.2, 0.75, 2000, 1000)"), 0);
            QCOMPARE(count(c, "SELECT cardinality(app.acl_graphs_for('nobody', 'm01', 1, '{role:staff}'))"), 0);
            QCOMPARE(count(c, "SELECT count(*) FROM app.agent_of_role('agent_u1')"), 0);
        });
    }

    // A temp view whose body calls a pg_temp function ran that function as the definer's owner
    // (a superuser): Bob made himself superuser. Now the view is never read, and the owner could
    // not grant it anyway.
    void noPrivilegeEscalationThroughATempFunction()
    {
        withTemporaryObjectsAllowed([&] {
            security::AgentSession b = bob();
            db::PgConnection& c = b.connection;
            c.exec("CREATE FUNCTION pg_temp.escalate() RETURNS oid LANGUAGE plpgsql AS $$ BEGIN "
                   "EXECUTE 'ALTER ROLE agent_u3 SUPERUSER'; RETURN 0; EXCEPTION WHEN OTHERS THEN RETURN 0; END $$");
            c.exec("CREATE TEMP VIEW pg_auth_members AS SELECT pg_temp.escalate() AS roleid, 0::oid AS member, "
                   "0::oid AS grantor, false AS admin_option");
            c.exec("SELECT count(*) FROM app.exact_vector_leg_for('nobody', 'm01', 1, '{role:staff}', "
                   "array_fill(0.01::real, '{1536}')::vector, 10)");
            c.exec("SELECT count(*) FROM app.bm25_leg_for('nobody', 'm01', 1, '{role:staff}', 'refund', 1.2, 0.75, 2000, 10)");
        });
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec("SELECT rolname, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles "
                                          "WHERE rolname IN (SELECT db_role FROM agents) "
                                          "OR rolname IN ('agent_console_agents', 'agent_console_definer')");
        QVERIFY(r.rows() >= 4);
        for (int i = 0; i < r.rows(); ++i)
            QVERIFY2(!r.boolean(i, "rolsuper") && !r.boolean(i, "rolcreaterole") && !r.boolean(i, "rolbypassrls"),
                     qPrintable(r.text(i, "rolname")));
    }

    // A temp pg_roles view let Bob record a retrieval as another agent and merchant.
    void noForgedAuditRow()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const qint64 before = count(owner, "SELECT count(*) FROM retrieval_audit WHERE agent_id <> 'u3' AND session_role = 'agent_u3'");
        withTemporaryObjectsAllowed([&] {
            security::AgentSession b = bob();
            db::PgConnection& c = b.connection;
            c.exec("CREATE TEMP VIEW pg_roles AS SELECT r.rolname, r.oid FROM pg_catalog.pg_roles r");
            c.exec("CREATE TEMP VIEW pg_class AS SELECT c.oid, (SELECT oid FROM pg_catalog.pg_roles "
                   "WHERE rolname = 'agent_u3') AS relowner FROM pg_catalog.pg_class c");
            for (const char* sql : {"SELECT app.record_retrieval_for('agent_u1', 'u1', 'm01', repeat('a', 64), 1, 'hybrid', 5, '{}')",
                                    "SELECT app.record_retrieval_for('agent_u3', 'u9', 'm02', repeat('a', 64), 1, 'hybrid', 5, '{}')",
                                    "SELECT app.record_retrieval_for('agent_console_agents', 'u9', 'm02', repeat('a', 64), 1, "
                                    "'hybrid', 5, '{}')"}) {
                try {
                    c.exec(sql);
                    QFAIL(sql);
                } catch (const db::DbError& error) {
                    QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
                }
            }
            // Bob's own row still records.
            QVERIFY(count(c, "SELECT app.record_retrieval('u3', 'm01', repeat('b', 64), 1, 'hybrid', 5, '{}')") > 0);
        });
        QCOMPARE(count(owner, "SELECT count(*) FROM retrieval_audit WHERE agent_id <> 'u3' AND session_role = 'agent_u3'"), before);
    }
};

QTEST_GUILESS_MAIN(TestSecurityDefiner)
#include "test_security_definer.moc"
