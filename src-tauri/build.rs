// Our commands become permissions (`allow-<command>`), granted one by one in
// capabilities/default.json: a command not listed there cannot be called from the webview.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(cardcat_app_commands::COMMANDS)),
    )
    .expect("tauri build script");
}

#[path = "src/command_names.rs"]
mod cardcat_app_commands;
