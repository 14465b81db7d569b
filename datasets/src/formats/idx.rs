//! The IDX files of the MNIST family (LeCun's format, also Fashion-MNIST's):
//! a magic number (two zero bytes, the element type, the number of
//! dimensions), each dimension as a big-endian u32, then the elements.
//! Only unsigned bytes (type 0x08) occur in these datasets. Written by hand:
//! the format is a 20-line header, and the crates that read it (mnist,
//! mnist_reader) also download, which this machine cannot.

use crate::error::{DataError, Result};
use crate::table::Table;
use std::path::Path;

const UNSIGNED_BYTE: u8 = 0x08;

/// The dimensions and the elements of one IDX file of unsigned bytes.
fn parse<'a>(bytes: &'a [u8], path: &Path) -> Result<(Vec<usize>, &'a [u8])> {
    let bad = |offset: usize, what: String| DataError::MalformedBinary {
        path: path.to_path_buf(),
        offset,
        what,
    };
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(bad(
            0,
            "not an IDX file: it does not start with two zero bytes".into(),
        ));
    }
    if bytes[2] != UNSIGNED_BYTE {
        return Err(bad(
            2,
            format!(
                "element type 0x{:02x}; these datasets hold unsigned bytes (0x08)",
                bytes[2]
            ),
        ));
    }
    let rank = bytes[3] as usize;
    let header = 4 + 4 * rank;
    if rank == 0 || bytes.len() < header {
        return Err(bad(
            3,
            format!(
                "{rank} dimensions, and the header ends at byte {}",
                bytes.len()
            ),
        ));
    }
    let dims: Vec<usize> = bytes[4..header]
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    // Saturating: dimensions from a damaged header can multiply past usize.
    let count = dims.iter().fold(1usize, |a, &b| a.saturating_mul(b));
    let data = &bytes[header..];
    if data.len() != count {
        return Err(bad(
            header,
            format!(
                "the header declares {} = {count} bytes of data, the file holds {}",
                dims.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" x "),
                data.len()
            ),
        ));
    }
    Ok((dims, data))
}

/// One part: each image's pixels as value / 255, its label as the target.
pub fn parse_idx(
    images: &[u8],
    image_path: &Path,
    labels: &[u8],
    label_path: &Path,
) -> Result<Table> {
    let (dims, pixels) = parse(images, image_path)?;
    let (label_dims, labels) = parse(labels, label_path)?;
    if label_dims.len() != 1 {
        return Err(DataError::MalformedBinary {
            path: label_path.to_path_buf(),
            offset: 3,
            what: format!("{} dimensions; a label file has one", label_dims.len()),
        });
    }
    if dims[0] != label_dims[0] {
        return Err(DataError::MalformedBinary {
            path: label_path.to_path_buf(),
            offset: 4,
            what: format!(
                "{} labels for the {} images of {}",
                label_dims[0],
                dims[0],
                image_path.display()
            ),
        });
    }
    let d = dims[1..].iter().product::<usize>();
    let mut table = Table::new(d);
    table.x = pixels.iter().map(|&p| f64::from(p) / 255.0).collect();
    table.y = labels.iter().map(|&l| f64::from(l)).collect();
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut out = vec![0, 0, UNSIGNED_BYTE, dims.len() as u8];
        for d in dims {
            out.extend(d.to_be_bytes());
        }
        out.extend(data);
        out
    }

    #[test]
    fn two_images_of_two_by_two_with_their_labels() {
        let images = idx(&[2, 2, 2], &[0, 255, 51, 0, 1, 2, 3, 4]);
        let labels = idx(&[2], &[7, 3]);
        let t = parse_idx(&images, Path::new("x"), &labels, Path::new("y")).unwrap();
        assert_eq!(t.d, 4);
        assert_eq!(t.row(0), [0.0, 1.0, 0.2, 0.0]);
        assert_eq!(t.row(1)[3], 4.0 / 255.0);
        assert_eq!(t.y, [7.0, 3.0]);
    }

    #[test]
    fn a_bad_file_is_refused_at_the_byte_that_is_wrong() {
        let labels = idx(&[1], &[0]);
        let err = |images: Vec<u8>| {
            parse_idx(&images, Path::new("img"), &labels, Path::new("lab"))
                .unwrap_err()
                .to_string()
        };
        assert!(err(b"PK\x03\x04".to_vec()).contains("img: byte 0: not an IDX file"));
        let mut floats = idx(&[1, 1], &[0]);
        floats[2] = 0x0d;
        assert!(err(floats).contains("byte 2: element type 0x0d"));
        let short = err(idx(&[1, 2, 2], &[1, 2, 3]));
        assert!(
            short.contains(
                "byte 16: the header declares 1 x 2 x 2 = 4 bytes of data, the file holds 3"
            ),
            "{short}"
        );
        let many = err(idx(&[2, 1], &[1, 2]));
        assert!(
            many.contains("lab: byte 4: 1 labels for the 2 images of img"),
            "{many}"
        );
        let truncated = err(vec![0, 0, UNSIGNED_BYTE, 3, 0, 0]);
        assert!(
            truncated.contains("byte 3: 3 dimensions, and the header ends at byte 6"),
            "{truncated}"
        );
    }
}
