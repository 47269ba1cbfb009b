// Security inside the database (issue 6): agents are non-owner roles, the server derives who they
// are, row-level security alone keeps Bob away from d9 and t3, and the usual ways out fail.
#include "db/db_error.h"
#include "security/agent_session.h"
#include "security/conninfo_tools.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

namespace {

security::AgentSession login(const QString& role, const QString& password)
{
    security::AgentLogin how;
    how.method = security::AgentLogin::Method::Password;
    how.agent = role;
    how.password = password;
    return security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
}

security::AgentSession bob() { return login(QStringLiteral("agent_u3"), QStringLiteral("bob-demo")); }

QStringList column(db::PgConnection& conn, const char* sql)
{
    QStringList out;
    const db::PgResult r = conn.exec(sql);
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0);
    return out;
}

} // namespace

class TestSecurityAccess : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::TestDatabase::instance().seedFixtures(); }

    void agentRolesHoldNoPower()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, "
            "       a.rolpassword LIKE 'SCRAM-SHA-256$%' AS scram, "
            "       ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "             WHERE m.member = r.oid ORDER BY 1) AS member_of "
            "FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid "
            "WHERE r.rolname IN (SELECT db_role FROM agents) ORDER BY 1");
        QCOMPARE(r.rows(), 3);
        for (int i = 0; i < r.rows(); ++i) {
            const QString role = r.text(i, "rolname");
            QVERIFY2(!r.boolean(i, "rolsuper") && !r.boolean(i, "rolbypassrls"), qPrintable(role));
            QVERIFY2(!r.boolean(i, "rolcreaterole") && !r.boolean(i, "rolcreatedb"), qPrintable(role));
            QVERIFY2(r.boolean(i, "rolcanlogin") && r.boolean(i, "scram"), qPrintable(role));
            QCOMPARE(r.textArray(i, "member_of"), QStringList{QStringLiteral("agent_console_agents")});
        }
    }

    void identityComesFromTheServer_data()
    {
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("merchant");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("alice") << "u1" << "agent_u1" << "alice-demo" << "m01" << QStringList{"u1", "role:staff"};
        QTest::newRow("bob") << "u3" << "agent_u3" << "bob-demo" << "m01" << QStringList{"u3", "topic:refund"};
        QTest::newRow("carol") << "u9" << "agent_u9" << "carol-demo" << "m02" << QStringList{"u9", "role:staff"};
    }

    void identityComesFromTheServer()
    {
        QFETCH(QString, agent);
        QFETCH(QString, role);
        QFETCH(QString, password);
        QFETCH(QString, merchant);
        QFETCH(QStringList, tokens);

        security::AgentSession own = login(role, password);
        QCOMPARE(own.identity.agentId, agent);
        QCOMPARE(own.identity.merchantId, merchant);
        QCOMPARE(own.identity.aclTokens, tokens);
        QCOMPARE(own.connection.exec("SELECT current_user").text(0, 0), role);

        security::AgentLogin viaOwner;
        viaOwner.method = security::AgentLogin::Method::OwnerSetRole;
        viaOwner.agent = agent;  // ragctl --agent u3
        security::AgentSession tool = security::openAgentSession(test::TestDatabase::instance().conninfo(), viaOwner);
        QCOMPARE(tool.role, role);
        QCOMPARE(tool.identity.agentId, own.identity.agentId);
        QCOMPARE(tool.identity.aclTokens, own.identity.aclTokens);
        QCOMPARE(tool.connection.exec("SELECT current_user").text(0, 0), role);
    }

    void badCredentialsAreRefused_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("sqlstate");
        const int password = int(security::AgentLogin::Method::Password);
        const int owner = int(security::AgentLogin::Method::OwnerSetRole);
        QTest::newRow("wrong password") << password << "agent_u3" << "alice-demo" << "28P01";
        QTest::newRow("empty password") << password << "agent_u3" << "" << "28P01";
        QTest::newRow("unknown role") << password << "agent_nobody" << "x" << "28P01";
        QTest::newRow("another agent's password") << password << "agent_u1" << "bob-demo" << "28P01";
        QTest::newRow("owner role is no agent") << password << "agent_console" << "x" << "42501";
        QTest::newRow("group role cannot log in") << password << "agent_console_agents" << "x" << "28P01";
        QTest::newRow("unknown agent id") << owner << "u404" << "" << "28000";
        QTest::newRow("owner via set role") << owner << "agent_console" << "" << "28000";
        QTest::newRow("injection in agent") << owner << "u3' OR '1'='1" << "" << "28000";
        QTest::newRow("nul in agent") << owner << QStringLiteral("u3") + QChar(0) << "" << "28000";
        QTest::newRow("quote in password") << password << "agent_u3" << "bob-demo' host='evil" << "28P01";
    }

    void badCredentialsAreRefused()
    {
        QFETCH(int, method);
        QFETCH(QString, agent);
        QFETCH(QString, password);
        QFETCH(QString, sqlstate);
        security::AgentLogin how;
        how.method = security::AgentLogin::Method(method);
        how.agent = agent;
        how.password = password;
        try {
            security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
            QFAIL("the login was accepted");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), sqlstate);
            if (!password.isEmpty())
                QVERIFY(!error.message().contains(password));
            QVERIFY(!error.message().contains(QLatin1String("SELECT")));
        }
    }

    // The seed's demo, enforced by row-level security alone: Bob reads the tables directly.
    void bobCannotReadD9OrT3()
    {
        security::AgentSession b = bob();
        db::PgConnection& c = b.connection;
        const QStringList documents = column(c, "SELECT id FROM support_documents ORDER BY id");
        QVERIFY(!documents.contains(QLatin1String("d9")));
        QVERIFY(documents.contains(QLatin1String("d7")));
        const QStringList tickets = column(c, "SELECT id FROM tickets ORDER BY id");
        QVERIFY(!tickets.contains(QLatin1String("t3")));
        QVERIFY(tickets.contains(QLatin1String("t1")));
        QCOMPARE(column(c, "SELECT count(*) FROM chunks WHERE document_id = 'd9' OR ticket_id = 't3'"), QStringList{"0"});
        QCOMPARE(column(c, "SELECT count(*) FROM ticket_messages WHERE ticket_id = 't3'"), QStringList{"0"});
        QCOMPARE(column(c, "SELECT count(*) FROM chunks WHERE NOT (acl && ARRAY['u3', 'topic:refund'])"), QStringList{"0"});
        QCOMPARE(column(c, "SELECT count(*) FROM chunks WHERE merchant_id <> 'm01'"), QStringList{"0"});
        QVERIFY(column(c, "SELECT count(*) FROM chunks").first().toInt() > 0);

        security::AgentSession alice = login(QStringLiteral("agent_u1"), QStringLiteral("alice-demo"));
        QVERIFY(column(alice.connection, "SELECT id FROM support_documents").contains(QLatin1String("d9")));
        QVERIFY(column(alice.connection, "SELECT id FROM tickets").contains(QLatin1String("t3")));
    }

    // The lexical leg's SECURITY DEFINER function applies the caller's own identity, whatever the
    // arguments claim (migration 008).
    void lexicalLegFunctionKeepsToTheCallersIdentity()
    {
        security::AgentSession b = bob();
        db::PgConnection& c = b.connection;
        const auto matches = [&c](const char* sql) {
            QStringList sources;
            const db::PgResult r = c.exec(sql);
            for (int i = 0; i < r.rows(); ++i)
                sources << r.text(i, "source_id");
            return sources;
        };
        // Alice's tokens claimed by Bob: Bob's own tokens apply, so no d9 (password help) or t3.
        const QStringList own = matches("SELECT * FROM app.bm25_leg('m01', 1, ARRAY['u1', 'role:staff'], "
                                        "'password reset refund order', 1.2, 0.75, 2000, 1000)");
        QVERIFY(!own.isEmpty());
        QVERIFY2(!own.contains(QLatin1String("d9")) && !own.contains(QLatin1String("t3")), qPrintable(own.join(',')));
        // Another merchant, another agent's role, the owner's role, an unknown role: nothing.
        QVERIFY(matches("SELECT * FROM app.bm25_leg('m02', 1, ARRAY['role:staff'], 'refund', 1.2, 0.75, 2000, 1000)").isEmpty());
        for (const char* role : {"agent_u1", "agent_u9", "agent_console_agents", "nobody_at_all"})
            QVERIFY2(matches(qPrintable(QStringLiteral("SELECT * FROM app.bm25_leg_for('%1', 'm01', 1, "
                                                       "ARRAY['role:staff'], 'password refund', 1.2, 0.75, 2000, 1000)").arg(role)))
                         .isEmpty(), role);
        const QString owner = test::TestDatabase::instance().connect().exec("SELECT current_user").text(0, 0);
        QVERIFY(matches(qPrintable(QStringLiteral("SELECT * FROM app.bm25_leg_for('%1', 'm01', 1, "
                                                  "ARRAY['role:staff'], 'password refund', 1.2, 0.75, 2000, 1000)").arg(owner)))
                    .isEmpty());
        const QString plan = c.exec("SELECT plan::text FROM app.explain_bm25_leg_for('agent_u1', 'm01', 1, "
                                    "ARRAY['role:staff'], 'password', 1.2, 0.75, 2000, 1000)").text(0, 0);
        QVERIFY2(plan.isEmpty() || plan.contains(QLatin1String("\"Actual Rows\": 0")), qPrintable(plan));
    }

    // The same for the exact vector path's function (migration 011).
    void exactVectorLegFunctionKeepsToTheCallersIdentity()
    {
        security::AgentSession b = bob();
        db::PgConnection& c = b.connection;
        const QString vector = QStringLiteral("(SELECT embedding FROM chunks WHERE merchant_id = 'm01' LIMIT 1)");
        const auto sources = [&c](const QString& sql) {
            QStringList out;
            const db::PgResult r = c.exec(sql);
            for (int i = 0; i < r.rows(); ++i)
                out << r.text(i, "source_id");
            return out;
        };
        const QStringList own = sources(QStringLiteral("SELECT * FROM app.exact_vector_leg('m01', 1, ARRAY['u1', 'role:staff'], %1, 1000)").arg(vector));
        QVERIFY(!own.isEmpty());
        QVERIFY2(!own.contains(QLatin1String("d9")) && !own.contains(QLatin1String("t3")), qPrintable(own.join(',')));
        QVERIFY(sources(QStringLiteral("SELECT * FROM app.exact_vector_leg('m02', 1, ARRAY['role:staff'], %1, 1000)").arg(vector)).isEmpty());
        const QString owner = test::TestDatabase::instance().connect().exec("SELECT current_user").text(0, 0);
        for (const QString& role : {QStringLiteral("agent_u1"), QStringLiteral("agent_u9"), QStringLiteral("agent_console_agents"),
                                    QStringLiteral("nobody_at_all"), owner})
            QVERIFY2(sources(QStringLiteral("SELECT * FROM app.exact_vector_leg_for('%1', 'm01', 1, ARRAY['role:staff'], %2, 1000)")
                                 .arg(role, vector)).isEmpty(), qPrintable(role));
        const QString plan = c.exec(QStringLiteral("SELECT app.explain_exact_vector_leg_for('agent_u1', 'm01', 1, "
                                                   "ARRAY['role:staff'], %1, 1000)::text").arg(vector)).text(0, 0);
        QVERIFY2(plan.contains(QLatin1String("\"Actual Rows\": 0")), qPrintable(plan));
    }

    void carolSeesNothingOfAcme_data()
    {
        QTest::addColumn<QString>("table");
        for (const char* t : {"merchants", "agents", "customers", "orders", "order_items", "support_documents",
                              "tickets", "corpus_versions", "chunks"})
            QTest::newRow(t) << QString::fromLatin1(t);
    }

    void carolSeesNothingOfAcme()
    {
        QFETCH(QString, table);
        security::AgentSession carol = login(QStringLiteral("agent_u9"), QStringLiteral("carol-demo"));
        const QString sql = (table == QLatin1String("merchants") ? QStringLiteral("SELECT count(*) FROM merchants WHERE id = 'm01'")
                                                                  : QStringLiteral("SELECT count(*) FROM %1 WHERE merchant_id = 'm01'").arg(table));
        QCOMPARE(carol.connection.exec(sql).integer(0, 0), 0);
        QCOMPARE(carol.connection.exec("SELECT count(*) FROM ticket_messages WHERE ticket_id IN ('t1','t3','t5')").integer(0, 0), 0);
    }

    // What a client holding Bob's credentials in psql might try. Each runs on a fresh session.
    void escapesFail_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("sqlstate");
        const QString denied = QStringLiteral("42501");
        QTest::newRow("set role to another agent") << "SET ROLE agent_u1" << denied;
        QTest::newRow("set role to the owner") << "SET ROLE agent_console" << denied;
        QTest::newRow("set_config role") << "SELECT set_config('role', 'agent_u9', false)" << denied;
        QTest::newRow("session authorization") << "SET SESSION AUTHORIZATION agent_u1" << denied;
        QTest::newRow("disable rls") << "ALTER TABLE chunks DISABLE ROW LEVEL SECURITY" << denied;
        QTest::newRow("no force rls") << "ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY" << denied;
        QTest::newRow("drop policy") << "DROP POLICY chunks_agent ON chunks" << denied;
        QTest::newRow("new policy") << "CREATE POLICY mine ON chunks FOR SELECT USING (true)" << denied;
        QTest::newRow("insert ticket") << "INSERT INTO tickets (id, merchant_id, customer_id, text, status, acl) "
                                          "VALUES ('tx', 'm01', 'u42', 'x', 'open', '{u3}')" << denied;
        QTest::newRow("widen acl") << "UPDATE chunks SET acl = acl || '{u3}'::text[]" << denied;
        QTest::newRow("delete documents") << "DELETE FROM support_documents" << denied;
        QTest::newRow("truncate chunks") << "TRUNCATE chunks" << denied;
        QTest::newRow("grant self") << "GRANT agent_u1 TO agent_u3" << denied;
        QTest::newRow("bypassrls self") << "ALTER ROLE agent_u3 BYPASSRLS" << denied;
        QTest::newRow("read audit") << "SELECT * FROM retrieval_audit" << denied;
        QTest::newRow("update audit") << "UPDATE retrieval_audit SET agent_id = 'u1'" << denied;
        QTest::newRow("delete audit") << "DELETE FROM retrieval_audit" << denied;
        QTest::newRow("truncate audit") << "TRUNCATE retrieval_audit" << denied;
        QTest::newRow("audit as another agent")
            << "SELECT app.record_retrieval_for('agent_u1', NULL, NULL, repeat('a', 64), 1, 'hybrid', 5, '{}')" << denied;
        QTest::newRow("audit claiming another agent")
            << "SELECT app.record_retrieval('u1', NULL, repeat('a', 64), 1, 'hybrid', 5, '{}')" << denied;
        QTest::newRow("audit claiming another merchant")
            << "SELECT app.record_retrieval(NULL, 'm02', repeat('a', 64), 1, 'hybrid', 5, '{}')" << denied;
        QTest::newRow("replace identity function")
            << "CREATE OR REPLACE FUNCTION app.current_agent_merchant() RETURNS text LANGUAGE sql AS $$ SELECT 'm02' $$"
            << denied;
        QTest::newRow("create in public") << "CREATE TABLE public.stash (x text)" << denied;
        QTest::newRow("schema_migrations") << "SELECT * FROM schema_migrations" << denied;
        QTest::newRow("read server files") << "SELECT pg_read_file('/etc/passwd')" << denied;
        QTest::newRow("copy to program") << "COPY chunks TO PROGRAM 'cat'" << denied;
        QTest::newRow("row_security off") << "SET row_security = off; SELECT count(*) FROM tickets" << denied;
    }

    void escapesFail()
    {
        QFETCH(QString, sql);
        QFETCH(QString, sqlstate);
        security::AgentSession b = bob();
        QString state = QStringLiteral("ok");
        try {
            b.connection.execScript(sql);
        } catch (const db::DbError& error) {
            state = error.sqlstate();
        }
        QCOMPARE(state, sqlstate);
        QCOMPARE(b.connection.exec("SELECT count(*) FROM tickets WHERE id = 't3'").integer(0, 0), 0);
    }

    // Custom settings are no identity: nothing a client sets changes what it sees.
    void forgedSettingsChangeNothing()
    {
        security::AgentSession b = bob();
        db::PgConnection& c = b.connection;
        const QStringList before = column(c, "SELECT id FROM chunks ORDER BY id");
        c.execScript("SET app.agent_id = 'u1'; SET app.merchant_id = 'm02'; SET app.acl_tokens = '{role:staff}';"
                     "SET request.jwt.claims = '{\"role\":\"agent_u1\"}'; SET search_path = pg_temp, app, public;"
                     "SET application_name = 'agent_u1'");
        QCOMPARE(column(c, "SELECT id FROM chunks ORDER BY id"), before);
        QCOMPARE(column(c, "SELECT count(*) FROM tickets WHERE id = 't3'"), QStringList{"0"});
        QCOMPARE(column(c, "SELECT merchant_id FROM app.current_agent()"), QStringList{"m01"});
        QVERIFY(column(c, "SELECT agent_id FROM app.agent_of_role('agent_u9')").isEmpty());
        QVERIFY(column(c, "SELECT agent_id FROM app.agent_of_role('agent_u1')").isEmpty());
    }

    // Becoming the NOLOGIN group role is allowed (membership) and shows nothing at all.
    void groupRoleSeesNothing()
    {
        security::AgentSession b = bob();
        b.connection.exec("SET ROLE agent_console_agents");
        QCOMPARE(b.connection.exec("SELECT count(*) FROM chunks").integer(0, 0), 0);
        QCOMPARE(b.connection.exec("SELECT count(*) FROM tickets").integer(0, 0), 0);
        QCOMPARE(b.connection.exec("SELECT count(*) FROM agents").integer(0, 0), 0);
    }

    // A function of Bob's own that prints every row it is shown: policies run first, so it never
    // sees another tenant's or another ACL's row.
    void leakyFunctionSeesOnlyVisibleRows()
    {
        // Agents cannot create functions (no CREATE anywhere, no TEMPORARY since migration 012): the
        // owner provides the leaky one, as a careless extension might.
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("CREATE SCHEMA IF NOT EXISTS leak_probe");
        owner.exec("CREATE OR REPLACE FUNCTION leak_probe.peek(text, text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 "
                   "AS $$ BEGIN RAISE NOTICE 'row %', $1 || '/' || $2; RETURN true; END $$");
        owner.exec("GRANT USAGE ON SCHEMA leak_probe TO agent_u3");
        security::AgentSession b = bob();
        db::PgConnection& c = b.connection;
        c.takeNotices();
        const int tickets = c.exec("SELECT id FROM tickets WHERE leak_probe.peek(id, merchant_id)").rows();
        const int documents = c.exec("SELECT id FROM support_documents WHERE leak_probe.peek(id, merchant_id)").rows();
        const int chunks = c.exec("SELECT id FROM chunks WHERE leak_probe.peek(coalesce(document_id, ticket_id), merchant_id)").rows();
        owner.exec("DROP SCHEMA leak_probe CASCADE");
        const QStringList seen = c.takeNotices();
        QCOMPARE(seen.size(), tickets + documents + chunks);
        for (const QString& line : seen) {
            QVERIFY2(line.endsWith(QLatin1String("/m01")), qPrintable(line));
            QVERIFY2(!line.contains(QLatin1String("row t3/")) && !line.contains(QLatin1String("row d9/")), qPrintable(line));
        }
    }

    void plannerStatisticsAreHidden()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("ANALYZE chunks");
        owner.exec("ANALYZE tickets");
        security::AgentSession b = bob();
        QCOMPARE(b.connection.exec("SELECT count(*) FROM pg_stats WHERE tablename IN ('chunks', 'tickets', 'support_documents')")
                     .integer(0, 0),
                 0);
    }

    // Every table in the schema either forces row-level security or gives agents nothing.
    void everyTableIsCovered()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'app') AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND NOT (c.relrowsecurity AND c.relforcerowsecurity) "
            "AND has_table_privilege('agent_console_agents', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')");
        QStringList open;
        for (int i = 0; i < r.rows(); ++i)
            open << r.text(i, 0);
        QVERIFY2(open.isEmpty(), qPrintable(open.join(QLatin1String(", "))));
        const db::PgResult definers = owner.exec(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname IN ('public', 'app') AND p.prosecdef "
            "AND NOT coalesce(p.proconfig::text LIKE '%search_path=%', false)");
        QCOMPARE(definers.rows(), 0);
    }

    // The embedded cluster listens on its socket only, and stores SCRAM verifiers.
    void embeddedClusterIsLocalOnly()
    {
        if (test::TestDatabase::instance().cluster() == nullptr)
            QSKIP("running against an external server");
        db::PgConnection owner = test::TestDatabase::instance().connect();
        QCOMPARE(owner.exec("SHOW listen_addresses").text(0, 0), QString());
        QCOMPARE(owner.exec("SHOW password_encryption").text(0, 0), QStringLiteral("scram-sha-256"));
        QCOMPARE(owner.exec("SELECT count(*) FROM pg_hba_file_rules WHERE type <> 'local' OR error IS NOT NULL").integer(0, 0), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM pg_hba_file_rules WHERE 'trust' = auth_method").integer(0, 0), 0);
    }

    // Passwords come from libpq's own sources when the caller gives none: PGPASSFILE/.pgpass, and
    // the server from PGSERVICEFILE/pg_service.conf.
    void pgpassAndServiceFileAreHonoured()
    {
        db::EmbeddedCluster* cluster = test::TestDatabase::instance().cluster();
        if (cluster == nullptr)
            QSKIP("running against an external server");
        QTemporaryDir dir;
        QFile pgpass(dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        pgpass.write("*:*:*:agent_u3:bob-demo\n");
        pgpass.close();
        pgpass.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        QFile service(dir.filePath(QStringLiteral("pg_service.conf")));
        QVERIFY(service.open(QIODevice::WriteOnly));
        service.write(QStringLiteral("[agent_console_test]\nhost=%1\nport=%2\ndbname=%3\n")
                          .arg(cluster->socketDir())
                          .arg(cluster->options().port)
                          .arg(cluster->options().database)
                          .toUtf8());
        service.close();
        qputenv("PGPASSFILE", pgpass.fileName().toLocal8Bit());
        qputenv("PGSERVICEFILE", service.fileName().toLocal8Bit());
        auto restore = qScopeGuard([] {
            qunsetenv("PGPASSFILE");
            qunsetenv("PGSERVICEFILE");
        });
        security::AgentLogin how;
        how.agent = QStringLiteral("agent_u3");
        security::AgentSession b = security::openAgentSession(QStringLiteral("service=agent_console_test"), how);
        QCOMPARE(b.identity.agentId, QStringLiteral("u3"));
        how.agent = QStringLiteral("agent_u1");  // no .pgpass line: refused, not the owner's way in
        try {
            security::openAgentSession(QStringLiteral("service=agent_console_test"), how);
            QFAIL("logged in without a password");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), QStringLiteral("28P01"));
        }
    }

    void conninfoRewritingKeepsSecretsOut()
    {
        const QString rewritten = security::conninfoWithUser(
            QStringLiteral("postgresql://owner:ownersecret@db.example/support?sslmode=verify-full"), QStringLiteral("agent_u3"),
            QStringLiteral("it's"));
        QVERIFY(!rewritten.contains(QLatin1String("ownersecret")));
        QVERIFY(rewritten.contains(QLatin1String("sslmode='verify-full'")));
        QVERIFY(rewritten.contains(QLatin1String("user='agent_u3'")));
        QVERIFY(rewritten.contains(QLatin1String("password='it\\'s'")));
        const QString redacted = security::redactConninfo(QStringLiteral("host=/run/pg user=x password=hunter2 service=support"));
        QVERIFY(!redacted.contains(QLatin1String("hunter2")));
        QVERIFY(redacted.contains(QLatin1String("service='support'")));
        QVERIFY(!security::redactConninfo(QStringLiteral("host='unterminated password=hunter2")).contains(QLatin1String("hunter2")));
    }
};

QTEST_GUILESS_MAIN(TestSecurityAccess)
#include "test_security_access.moc"
