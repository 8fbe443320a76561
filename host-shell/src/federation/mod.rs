//! The federation runtime: what each slot shows, and loading, checking, mounting, updating and
//! replacing widgets in them.
//!
//! Slots are DOM elements outside the shell's Yew root. A [`Federation`] is a cheap handle to
//! shared state; it never holds its `RefCell` borrow while calling into a widget or rendering
//! a panel, because either can re-enter it (a widget's render may emit a bus event the shell
//! answers with `show`; a panic reports a crash synchronously).

pub mod js;
mod names;
mod panel;

pub use panel::PanelKind;

use crate::router;
use contracts::CONTRACT_VERSION;
use contracts::events::CrashReport;
use contracts::federation::WidgetEntry;
use contracts::props::{MAIN_SLOT, MountProps};
use js_sys::Promise;
use names::Names;
use panel::PanelActions;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::Element;

/// How the JavaScript loader's integrity failure starts (`fetchChecked` in `js.rs`).
const INTEGRITY_FAILED: &str = "integrity check failed";

/// What a slot should show.
#[derive(Debug, Clone)]
pub enum Target {
    Nothing,
    Panel(PanelKind),
    Widget {
        entry: Rc<WidgetEntry>,
        props: MountProps,
    },
}

/// Handle to the runtime; clones share state.
#[derive(Clone)]
pub struct Federation(Rc<RefCell<Inner>>);

impl PartialEq for Federation {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

struct Inner {
    /// Milliseconds allowed from starting a load to a usable module.
    timeout_ms: u32,
    next_load_id: u32,
    /// One loaded (or loading) module instance per widget, shared by all its slots.
    modules: Names<ModuleLoad>,
    slots: Names<Slot>,
}

struct ModuleLoad {
    build: String,
    load_id: u32,
    /// Resolves to the module namespace once fetched, verified and initialised.
    promise: Promise,
}

struct Slot {
    element: Element,
    /// Bumped by every change of what the slot should show; async work for an older generation
    /// is discarded when it completes.
    generation: u64,
    target: Target,
    content: Content,
}

#[derive(Default)]
enum Content {
    #[default]
    Empty,
    Panel {
        container: Element,
        /// The panel's click handlers, removed with it.
        listeners: Vec<gloo_events::EventListener>,
    },
    Widget {
        widget: String,
        load_id: u32,
        container: Element,
        handle: JsValue,
    },
}

impl Content {
    /// Tears the content down. Must be called without the runtime borrowed.
    fn dispose(self) {
        match self {
            Content::Empty => {}
            Content::Panel {
                container,
                listeners,
            } => {
                drop(listeners);
                container.remove();
            }
            Content::Widget {
                widget,
                container,
                handle,
                ..
            } => {
                if let Err(e) = js::unmount_widget(&handle, &container) {
                    log_error(&format!(
                        "unmounting {widget} failed: {}",
                        js::error_message(&e)
                    ));
                }
                container.remove();
            }
        }
    }
}

impl Federation {
    /// A runtime over the slot elements `[data-slot=<name>]` found in the page.
    pub fn new(slot_names: &[&str]) -> Self {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let slots = slot_names
            .iter()
            .filter_map(|name| {
                let element = document
                    .query_selector(&format!("[data-slot=\"{name}\"]"))
                    .ok()
                    .flatten()?;
                Some((
                    (*name).to_owned(),
                    Slot {
                        element,
                        generation: 0,
                        target: Target::Nothing,
                        content: Content::Empty,
                    },
                ))
            })
            .collect();
        Federation(Rc::new(RefCell::new(Inner {
            timeout_ms: contracts::federation::DEFAULT_LOAD_TIMEOUT_MS,
            next_load_id: 1,
            modules: Names::new(),
            slots,
        })))
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }

    pub fn set_timeout(&self, timeout_ms: u32) {
        self.with(|inner| inner.timeout_ms = timeout_ms);
    }

    /// Makes `slot` show `target`. The same widget instance already mounted there gets the new
    /// props through `update`; anything else is replaced.
    pub fn show(&self, slot: &str, target: Target) {
        enum Step {
            Update {
                handle: JsValue,
                widget: String,
                props: String,
            },
            Replace {
                old: Content,
                generation: u64,
            },
        }
        let step = self.with(|inner| {
            let live = match &target {
                Target::Widget { entry, .. } => inner.live_load(entry),
                _ => None,
            };
            let slot = inner.slots.get_mut(slot)?;
            if let (
                Target::Widget { entry, props },
                Some(live),
                Content::Widget {
                    load_id, handle, ..
                },
            ) = (&target, live, &slot.content)
                && live == *load_id
            {
                slot.target = target.clone();
                let props = props_json(props, live);
                return Some(Step::Update {
                    handle: handle.clone(),
                    widget: entry.name.clone(),
                    props,
                });
            }
            slot.generation += 1;
            slot.target = target.clone();
            Some(Step::Replace {
                old: std::mem::take(&mut slot.content),
                generation: slot.generation,
            })
        });
        match step {
            None => {}
            Some(Step::Update {
                handle,
                widget,
                props,
            }) => {
                if let Err(e) = js::update_widget(&handle, &props) {
                    let reason = format!("update failed: {}", js::error_message(&e));
                    self.fail(slot, &widget, reason);
                }
            }
            Some(Step::Replace { old, generation }) => {
                old.dispose();
                match target {
                    Target::Nothing => {}
                    Target::Panel(kind) => self.put_panel(slot, generation, kind),
                    Target::Widget { entry, props } => {
                        if slot == MAIN_SLOT {
                            self.put_panel(
                                slot,
                                generation,
                                PanelKind::Loading {
                                    widget: entry.name.clone(),
                                },
                            );
                        }
                        spawn_local(self.clone().load_into(
                            slot.to_owned(),
                            generation,
                            entry,
                            props,
                        ));
                    }
                }
            }
        }
    }

    /// Starts fetching and initialising a widget the user is likely to open (hover or focus on a
    /// link to it), without mounting it.
    pub fn preload(&self, entry: Rc<WidgetEntry>) {
        let runtime = self.clone();
        spawn_local(async move {
            // A failure here is reported when (if) the widget is shown.
            let _ = runtime.load(&entry).await;
        });
    }

    /// Imports a fresh instance of `widget` and shows it again wherever it is wanted.
    pub fn retry(&self, widget: &str) {
        let wanted = self.with(|inner| {
            inner.modules.remove(widget);
            inner
                .slots
                .iter()
                .filter(|(_, slot)| matches!(&slot.target, Target::Widget { entry, .. } if entry.name == widget))
                .map(|(name, slot)| (name.clone(), slot.target.clone()))
                .collect::<Vec<_>>()
        });
        for (slot, target) in wanted {
            self.show(&slot, target);
        }
    }

    /// A widget's module instance panicked: it is dead. Its slots get fallbacks; the next show
    /// or retry imports a fresh instance.
    pub fn crashed(&self, report: &CrashReport) {
        let dead = self.with(|inner| {
            if inner.modules.get(&report.widget).is_some_and(|m| m.load_id == report.load_id) {
                inner.modules.remove(&report.widget);
            }
            let mut dead = Vec::new();
            for (name, slot) in inner.slots.iter_mut() {
                if matches!(&slot.content, Content::Widget { load_id, .. } if *load_id == report.load_id) {
                    slot.generation += 1;
                    if let Content::Widget { container, .. } = std::mem::take(&mut slot.content) {
                        dead.push((name.clone(), slot.generation, container));
                    }
                }
            }
            dead
        });
        log_error(&format!(
            "widget {} crashed: {}",
            report.widget, report.message
        ));
        // The dead instance's styles would stay adopted by the document for as long as the
        // page lives; its bus listeners its own crash hook removed (widget_kit::crash).
        js::drop_styles(&report.widget, report.load_id);
        for (slot, generation, container) in dead {
            // No unmount: the instance is dead (its DOM frozen, its exports would trap again).
            container.remove();
            let reason = format!("crashed: {}", report.message);
            self.put_panel(
                &slot,
                generation,
                PanelKind::Failed {
                    widget: report.widget.clone(),
                    reason,
                },
            );
        }
    }

    fn fail(&self, slot: &str, widget: &str, reason: String) {
        log_error(&format!("widget {widget}: {reason}"));
        let generation = self.with(|inner| {
            inner.modules.remove(widget);
            inner.slots.get_mut(slot).map(|s| {
                s.generation += 1;
                (std::mem::take(&mut s.content), s.generation)
            })
        });
        if let Some((old, generation)) = generation {
            // The instance refused an update but may be alive: unmount it so its listeners go
            // (if it is dead, unmount throws and dispose logs it).
            old.dispose();
            self.put_panel(
                slot,
                generation,
                PanelKind::Failed {
                    widget: widget.to_owned(),
                    reason,
                },
            );
        }
    }

    async fn load_into(
        self,
        slot: String,
        generation: u64,
        entry: Rc<WidgetEntry>,
        props: MountProps,
    ) {
        let loaded = self.load(&entry).await;
        let Some(element) = self.slot_element(&slot, generation) else {
            return;
        };
        let mounted = loaded.and_then(|(load_id, module)| {
            let container = create_container(&element)?;
            match js::mount_widget(&module, &container, &props_json(&props, load_id)) {
                Ok(handle) => Ok(Content::Widget {
                    widget: entry.name.clone(),
                    load_id,
                    container,
                    handle,
                }),
                Err(e) => {
                    container.remove();
                    Err(format!("mount failed: {}", js::error_message(&e)))
                }
            }
        });
        match mounted {
            Ok(content) => self.install(&slot, generation, content),
            Err(reason) => {
                log_error(&format!("widget {}: {reason}", entry.name));
                self.put_panel(
                    &slot,
                    generation,
                    PanelKind::Failed {
                        widget: entry.name.clone(),
                        reason,
                    },
                );
            }
        }
    }

    /// The module of `entry`, loading it unless a live load of the same build exists. Checks
    /// contract compatibility before a single byte is fetched.
    async fn load(&self, entry: &WidgetEntry) -> Result<(u32, JsValue), String> {
        match entry.compatibility(CONTRACT_VERSION) {
            Ok(compatibility) if compatibility.is_compatible() => {}
            Ok(compatibility) => return Err(format!("incompatible contract: {compatibility}")),
            Err(e) => return Err(format!("incompatible contract: {e}")),
        }
        let (load_id, promise, timeout_ms) = self.with(|inner| inner.module_promise(entry));
        let loading = js::within(&promise, timeout_ms, &format!("loading {}", entry.name));
        match JsFuture::from(loading).await {
            Ok(module) => Ok((load_id, module)),
            Err(e) => {
                let reason = js::error_message(&e);
                // A file that failed its check will fail it again until a redeploy: the failed
                // load stays, so every later need of the widget (a navigation, a hover) fails
                // at once without a fetch, until Retry forgets it or the page is reloaded.
                // Anything else (a network error, a timeout) is tried afresh next time.
                if !reason.starts_with(INTEGRITY_FAILED) {
                    self.with(|inner| {
                        if inner
                            .modules
                            .get(&entry.name)
                            .is_some_and(|m| m.load_id == load_id)
                        {
                            inner.modules.remove(&entry.name);
                        }
                    });
                }
                Err(reason)
            }
        }
    }

    fn slot_element(&self, slot: &str, generation: u64) -> Option<Element> {
        self.with(|inner| {
            inner
                .slots
                .get(slot)
                .filter(|s| s.generation == generation)
                .map(|s| s.element.clone())
        })
    }

    fn put_panel(&self, slot: &str, generation: u64, kind: PanelKind) {
        let Some(element) = self.slot_element(slot, generation) else {
            return;
        };
        let Ok(container) = create_container(&element) else {
            return;
        };
        let runtime = self.clone();
        let actions = PanelActions {
            // Deferred: a retry click must not tear down the panel from inside its own handler.
            on_retry: Rc::new(move |widget: String| {
                let runtime = runtime.clone();
                spawn_local(async move { runtime.retry(&widget) });
            }),
            on_home: Rc::new(|| router::navigate("/")),
        };
        let listeners = panel::render(&container, &kind, slot != MAIN_SLOT, actions);
        self.install(
            slot,
            generation,
            Content::Panel {
                container,
                listeners,
            },
        );
    }

    /// Puts freshly made content in the slot if the slot still wants it, disposing whatever it
    /// replaces; content for a superseded generation is disposed instead.
    fn install(&self, slot: &str, generation: u64, content: Content) {
        let leftover = self.with(|inner| match inner.slots.get_mut(slot) {
            Some(s) if s.generation == generation => std::mem::replace(&mut s.content, content),
            _ => content,
        });
        leftover.dispose();
    }
}

impl Inner {
    /// The load id of a live module instance of exactly this build, if any.
    fn live_load(&self, entry: &WidgetEntry) -> Option<u32> {
        self.modules
            .get(&entry.name)
            .filter(|m| m.build == entry.build)
            .map(|m| m.load_id)
    }

    fn module_promise(&mut self, entry: &WidgetEntry) -> (u32, Promise, u32) {
        if let Some(m) = self
            .modules
            .get(&entry.name)
            .filter(|m| m.build == entry.build)
        {
            return (m.load_id, m.promise.clone(), self.timeout_ms);
        }
        let load_id = self.next_load_id;
        self.next_load_id += 1;
        let promise = js::load_widget(
            &entry.entry,
            &entry.wasm,
            &entry.integrity,
            &entry.wasm_integrity,
        );
        self.modules.insert(
            entry.name.clone(),
            ModuleLoad {
                build: entry.build.clone(),
                load_id,
                promise: promise.clone(),
            },
        );
        (load_id, promise, self.timeout_ms)
    }
}

fn props_json(props: &MountProps, load_id: u32) -> String {
    let props = MountProps {
        load_id,
        ..props.clone()
    };
    serde_json::to_string(&props).expect("mount props serialise")
}

fn create_container(slot: &Element) -> Result<Element, String> {
    let document = slot.owner_document().ok_or("slot has no document")?;
    let container = document
        .create_element("div")
        .map_err(|e| js::error_message(&e))?;
    slot.append_child(&container)
        .map_err(|e| js::error_message(&e))?;
    Ok(container)
}

pub fn log_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
