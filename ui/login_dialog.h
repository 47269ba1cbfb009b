#pragma once

#include "console_types.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace ac::ui {

// Agent picker and password. The agent list arrives asynchronously (a worker reads it); on the
// embedded demo database the dialog names the demo accounts and their passwords.
class LoginDialog : public QDialog {
    Q_OBJECT
public:
    explicit LoginDialog(const QString& databaseDescription, QWidget* parent = nullptr);

    void setAgents(const AgentAccounts& agents, bool embeddedDemo);
    void setError(const QString& message);
    void setBusy(bool busy);
    void selectAgent(const QString& agentId);
    void setPassword(const QString& password);
    // For the compare login: not the agent already in, and only agents of that agent's merchant
    // (comparing across merchants says nothing about ACLs and shows another tenant's names).
    void excludeAgent(const QString& agentId, const QString& merchantId = {});

    AgentAccount account() const;
    QString password() const;

signals:
    void loginRequested(const ac::ui::AgentAccount& account, const QString& password);

private:
    void updateHint();

    AgentAccounts agents_;
    bool embeddedDemo_ = false;
    QString excluded_;
    QString onlyMerchant_;
    QComboBox* agentBox_;
    QLineEdit* password_;
    QLabel* hint_;
    QLabel* error_;
    QDialogButtonBox* buttons_;
};

} // namespace ac::ui
