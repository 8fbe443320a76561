//! A map from names to values for the shell's handful of slots and modules. A `Vec` of pairs:
//! each `HashMap` instantiation costs kilobytes of wasm, a linear scan of ten entries nothing.

pub struct Names<T>(Vec<(String, T)>);

impl<T> Names<T> {
    pub fn new() -> Self {
        Names(Vec::new())
    }

    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut T> {
        self.0.iter_mut().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn insert(&mut self, name: String, value: T) {
        match self.get_mut(&name) {
            Some(slot) => *slot = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<T> {
        let index = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.swap_remove(index).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(n, v)| (n, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut T)> {
        self.0.iter_mut().map(|(n, v)| (&*n, v))
    }
}

impl<T> FromIterator<(String, T)> for Names<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(items: I) -> Self {
        let mut names = Names::new();
        for (name, value) in items {
            names.insert(name, value);
        }
        names
    }
}
