"""My card: the public page others open from my QR code, its vCard, and their details form."""
