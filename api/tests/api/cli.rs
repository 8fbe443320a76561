//! The account commands of the `api` binary, run in-process: `create-admin` and `seed-demo`.

use crate::helpers::{TestDatabase, spawn_app};
use api::Config;
use api::cli::{
    AdminRole, CreateAdminArgs, DEMO_ACCOUNTS, create_admin_command, seed_demo_command,
};
use api::object_store::ObjectStore;
use contracts::auth::LoginOutcome;
use contracts::props::Role;

/// The configuration the binary would read, for the database `url`.
fn config(url: &str, app_env: &str) -> Config {
    let url = url.to_owned();
    let app_env = app_env.to_owned();
    Config::from_lookup(move |name| {
        Ok(match name {
            "DATABASE_URL" => Some(url.clone()),
            "APP_ENV" => Some(app_env.clone()),
            "JWT_SECRET" => Some("a production secret of at least 32 bytes".into()),
            "FIELD_KEYS" => Some(crate::helpers::TEST_FIELD_KEYS.into()),
            "FIELD_KEY_ACTIVE" => Some("t1".into()),
            "BLIND_INDEX_KEY" => Some(crate::helpers::TEST_BLIND_INDEX_KEY.into()),
            "AUDIT_CHECKPOINT_KEY" => Some("a checkpoint key of at least 32 bytes".into()),
            "SMTP_URL" => Some("smtp://127.0.0.1:2525".into()),
            "METRICS_TOKEN" => Some("a metrics token of at least 32 bytes".into()),
            "RAZORPAY_KEY_ID" => Some("rzp_live_cli".into()),
            "RAZORPAY_KEY_SECRET" => Some("a key secret".into()),
            "RAZORPAY_WEBHOOK_SECRET" => Some("a webhook secret".into()),
            _ => None,
        })
    })
    .unwrap()
}

fn args(email: &str, role: AdminRole) -> CreateAdminArgs {
    CreateAdminArgs {
        email: email.into(),
        display_name: "Root".into(),
        role,
    }
}

#[tokio::test]
async fn create_admin_makes_an_administrator_who_can_sign_in() {
    let database = TestDatabase::create().await;
    let config = config(&database.url, "dev");
    let mut out = Vec::new();

    create_admin_command(
        args("root@example.com", AdminRole::SuperAdmin),
        &config,
        "correct horse battery".into(),
        &mut out,
    )
    .await
    .unwrap();

    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("created SUPER_ADMIN "), "{out}");
    assert!(!out.contains("correct horse battery"));
    let db = api::Db::connect(&database.url).await.unwrap();
    let vault = api::crypto::Vault::from_config(&config).unwrap();
    let user = api::app::accounts::lookup::find_by_email(
        &mut db.conn().await.unwrap(),
        &vault,
        "root@example.com",
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(user.role, Role::SuperAdmin);
    assert!(user.password_hash.starts_with("$argon2id$"));
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password_and_a_taken_email() {
    let database = TestDatabase::create().await;
    let config = config(&database.url, "dev");
    let create = |email: &'static str, password: &'static str| {
        let config = config.clone();
        async move {
            create_admin_command(
                args(email, AdminRole::Admin),
                &config,
                password.into(),
                &mut Vec::new(),
            )
            .await
        }
    };

    let weak = create("root@example.com", "short").await.unwrap_err();
    create("root@example.com", "correct horse battery")
        .await
        .unwrap();
    let taken = create("ROOT@example.com", "another long password")
        .await
        .unwrap_err();

    assert!(
        format!("{weak:#}").contains("password: must be at least 12 characters"),
        "{weak:#}"
    );
    assert!(format!("{taken:#}").contains("already exists"), "{taken:#}");
}

#[tokio::test]
async fn seed_demo_creates_the_three_demo_accounts_once_and_prints_their_passwords() {
    let app = spawn_app().await;
    let mut first = Vec::new();
    let mut second = Vec::new();

    let store = ObjectStore::Local(app.config.upload_dir.clone());
    api::cli::seed_demo(&app.db, &app.vault, &store, &mut first)
        .await
        .unwrap();
    api::cli::seed_demo(&app.db, &app.vault, &store, &mut second)
        .await
        .unwrap();

    let (first, second) = (
        String::from_utf8(first).unwrap(),
        String::from_utf8(second).unwrap(),
    );
    assert_eq!(first.matches("(created)").count(), 3, "{first}");
    assert_eq!(second.matches("(exists)").count(), 3, "{second}");
    assert_eq!(app.count("SELECT count(*) FROM users").await, 3);
    // The demo shop, approved, with its catalog, once.
    assert!(first.contains("demo shop: Demo Bazaar"), "{first}");
    assert!(second.contains("0 of 14 demo products added"), "{second}");
    assert_eq!(
        app.count("SELECT count(*) FROM shops WHERE status = 'APPROVED'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM products").await, 14);
    let catalog: contracts::catalog::ProductPage = app
        .get("/api/v1/products?q=kurta")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(catalog.items[0].name, "Cotton kurta");
    // Each demo product has its picture, served whole and at every width.
    assert_eq!(app.count("SELECT count(*) FROM product_images").await, 14);
    let picture = &catalog.items[0].images[0];
    for width in [None, Some(320), Some(640), Some(960)] {
        let url = match width {
            Some(width) => contracts::images::at_width(picture, width),
            None => picture.clone(),
        };
        let response = app.get(&url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        let bytes = response.bytes().await.unwrap();
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.width(), width.unwrap_or(1200), "{url}");
    }
    for demo in &DEMO_ACCOUNTS {
        assert!(first.contains(demo.password), "{first}");
        let response = app.login(demo.email, demo.password).await;
        assert_eq!(response.status(), 200, "{}", demo.email);
        let LoginOutcome::Session(grant) = response.json().await.unwrap() else {
            panic!("demo accounts have no second factor");
        };
        assert_eq!(grant.user.role, demo.role);
    }
}

#[tokio::test]
async fn seed_demo_refuses_production_and_touches_nothing() {
    let database = TestDatabase::create().await;
    let config = config(&database.url, "production");

    let error = seed_demo_command(&config, &mut Vec::new())
        .await
        .unwrap_err();

    assert!(error.to_string().contains("production"), "{error}");
    let db = api::Db::connect(&database.url).await.unwrap();
    db.migrate().await.unwrap();
    assert_eq!(
        api::app::accounts::lookup::find_by_email(
            &mut db.conn().await.unwrap(),
            &api::crypto::Vault::from_config(&config).unwrap(),
            DEMO_ACCOUNTS[0].email
        )
        .await
        .unwrap()
        .map(|u| u.id),
        None
    );
}

#[tokio::test]
async fn seed_demo_runs_through_its_command_in_dev() {
    let database = TestDatabase::create().await;
    let mut out = Vec::new();

    seed_demo_command(&config(&database.url, "dev"), &mut out)
        .await
        .unwrap();

    assert_eq!(
        String::from_utf8(out).unwrap().matches("(created)").count(),
        3
    );
}
