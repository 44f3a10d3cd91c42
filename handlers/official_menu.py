"""What officials can ask: each rich-menu label and the dashboard it opens."""
from __future__ import annotations

QUERIES = {"ภาพรวมวันนี้": "ov", "ศูนย์ที่ยังไม่บันทึก": "gap", "อาหารกลางวันวันนี้": "lunch", "ข้อมูลเด็ก": "kids",
           "ข้อมูลครู": "tch", "การแจ้งเตือนวันนี้": "alr"}
