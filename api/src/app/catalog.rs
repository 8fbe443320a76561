//! The catalog use cases (being moved here from routes/ and db/).
