#include "support/test_database.h"

#include "db/migrator.h"
#include "fixtures/fixture_loader.h"
#include "ingest/embedder_factory.h"

#include <QCoreApplication>

#include <cstdlib>
#include <exception>

namespace ac::test {

namespace {
TestDatabase* g_instance = nullptr;

void destroyInstance()
{
    delete g_instance;
    g_instance = nullptr;
}

// An exception escaping a test (QtTest rethrows those from initTestCase) ends in std::terminate,
// which runs no destructors: stop the throwaway cluster first so it does not outlive the test.
std::terminate_handler g_previousTerminate = nullptr;
[[noreturn]] void stopClusterAndTerminate()
{
    static bool once = false;
    if (!once) {
        once = true;
        try {
            destroyInstance();
        } catch (...) {
        }
    }
    if (g_previousTerminate)
        g_previousTerminate();
    std::abort();
}
} // namespace

TestDatabase& TestDatabase::instance()
{
    if (g_instance == nullptr) {
        g_instance = new TestDatabase();
        qAddPostRoutine(&destroyInstance);
        g_previousTerminate = std::set_terminate(&stopClusterAndTerminate);
    }
    return *g_instance;
}

TestDatabase::TestDatabase()
{
    const QString external = qEnvironmentVariable("AGENT_CONSOLE_TEST_DB");
    if (!external.isEmpty()) {
        conninfo_ = external;
    } else {
        dir_ = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/agent-console-test-XXXXXX"));
        db::ClusterOptions options;
        options.baseDir = dir_->path();
        options.durable = false;
        cluster_ = std::make_unique<db::EmbeddedCluster>(options);
        cluster_->start();
        conninfo_ = cluster_->conninfo();
    }
    db::PgConnection conn = connect();
    db::Migrator(conn).apply(db::Migrator::embedded());
}

TestDatabase::~TestDatabase()
{
    cluster_.reset();  // stops the server before its directory is removed
    dir_.reset();
}

QString TestDatabase::conninfoForUser(const QString& user, const QString& password) const
{
    QString info = cluster_ ? cluster_->conninfoFor(user) : conninfo_ + QStringLiteral(" user=") + user;
    if (!password.isEmpty())
        info += QStringLiteral(" password='%1'").arg(password);
    return info;
}

void TestDatabase::seedFixtures()
{
    if (seeded_)
        return;
    db::PgConnection conn = connect();
    fixtures::FixtureLoader(conn, ingest::EmbedderConfig::fromEnvironment()).loadAll();
    seeded_ = true;
}

} // namespace ac::test
