/** What the admin shows of a product: enough to recognise it, and how often it sells. */
export interface CatalogProduct {
  productId: number;
  title: string;
  handle: string;
  status: string;
  available: boolean;
  price: number | null;
  productType: string;
  vendor: string;
  tags: string[];
  imageUrl: string | null;
  giftCard: boolean;
  /** Orders (not cancelled) that contain it. */
  orders: number;
}
