//! Plain Python values (`dict`, `list`, `tuple`, `str`, `int`, `bool`, `float`, `None`)
//! read straight into the core's serde types, as the JSON text of the same values
//! would be read, but without the text.
//!
//! pythonize does the same in general, but it first probes every dict for dataclass
//! fields (an `AttributeError` raised, formatted and discarded per dict) and copies each
//! dict's keys and values into two new lists; reading the commands of 300,000 lots so
//! bounded the Python bulk load (the loading thread waited for the reading one). Here a
//! dict is read in place (`PyDict_Next`) and a string's UTF-8 is borrowed. Any other
//! value (`Decimal`, `date`, an enum that is not a `str`, ...) is an error: callers then
//! fall back to the package's JSON encoder, which converts them.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::value::Error;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Error as _, IntoDeserializer, Visitor};

/// Reads `value` into `T`; the error says what did not fit, as serde_json's would.
pub(crate) fn read<T: DeserializeOwned>(value: &Bound<'_, PyAny>) -> Result<T, Error> {
    T::deserialize(Value(value))
}

/// One Python value as a self-describing serde [`de::Deserializer`].
struct Value<'a, 'py>(&'a Bound<'py, PyAny>);

fn python_error(e: PyErr) -> Error {
    Error::custom(e)
}

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.0;
        if let Ok(text) = value.cast::<PyString>() {
            visitor.visit_str(text.to_str().map_err(python_error)?)
        } else if let Ok(dict) = value.cast::<PyDict>() {
            visitor.visit_map(Entries {
                entries: dict.iter(),
                value: None,
            })
        } else if let Ok(list) = value.cast::<PyList>() {
            visitor.visit_seq(Items(list.iter()))
        } else if let Ok(tuple) = value.cast::<PyTuple>() {
            visitor.visit_seq(Items(tuple.iter()))
        } else if value.is_none() {
            visitor.visit_unit()
        } else if let Ok(flag) = value.cast::<PyBool>() {
            visitor.visit_bool(flag.is_true())
        } else if let Ok(int) = value.cast::<PyInt>() {
            match int.extract::<i64>() {
                Ok(n) => visitor.visit_i64(n),
                Err(_) => visitor.visit_u64(int.extract().map_err(python_error)?),
            }
        } else if let Ok(float) = value.cast::<PyFloat>() {
            visitor.visit_f64(float.value())
        } else {
            let kind = value.get_type().name().map_err(python_error)?;
            Err(Error::custom(format!("a {kind} is not a plain value")))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_none() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A unit variant as its name, any other as `{name: content}` (serde_json's
    /// externally tagged form).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if let Ok(text) = self.0.cast::<PyString>() {
            let name = text.to_str().map_err(python_error)?;
            return visitor.visit_enum(name.into_deserializer());
        }
        let tagged = self.0.cast::<PyDict>().ok().filter(|d| d.len() == 1);
        match tagged.and_then(|dict| dict.iter().next()) {
            Some((name, content)) => visitor.visit_enum(Variant { name, content }),
            None => Err(Error::custom(
                "expected a variant name or a dict of one variant name",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// A dict's entries, in its order.
struct Entries<'py> {
    entries: pyo3::types::iter::BoundDictIterator<'py>,
    /// The value of the key just read.
    value: Option<Bound<'py, PyAny>>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(Value(&key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Value(&value)),
            None => Err(Error::custom("a dict value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A list's or tuple's items.
struct Items<I>(I);

impl<'de, 'py, I: ExactSizeIterator<Item = Bound<'py, PyAny>>> de::SeqAccess<'de> for Items<I> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Error> {
        self.0
            .next()
            .map(|item| seed.deserialize(Value(&item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The one entry of a dict that names an enum variant.
struct Variant<'py> {
    name: Bound<'py, PyAny>,
    content: Bound<'py, PyAny>,
}

impl<'de, 'py> de::EnumAccess<'de> for Variant<'py> {
    type Error = Error;
    type Variant = Content<'py>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Content<'py>), Error> {
        let name = seed.deserialize(Value(&self.name))?;
        Ok((name, Content(self.content)))
    }
}

/// What a dict-named variant holds.
struct Content<'py>(Bound<'py, PyAny>);

impl<'de> de::VariantAccess<'de> for Content<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(Value(&self.0))
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(Value(&self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(Value(&self.0), visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(Value(&self.0), visitor)
    }
}
